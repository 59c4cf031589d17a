// Two threads declared together: their type is spelled once.
#include <thread>

void poll();

void start() {
  std::thread worker([] {
    while (true) {
      poll();
    }
  }), other;
  other = std::thread(poll);
  worker.join();
  other.join();
}
