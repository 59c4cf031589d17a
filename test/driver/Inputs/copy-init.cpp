// The thread variable is copy-initialised from a temporary std::thread.
#include <thread>

void poll();

void start() {
  std::thread worker = std::thread([] {
    while (true) {
      poll();
    }
  });
  worker.join();
}
