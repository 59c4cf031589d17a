// A std::thread whose lambda loops forever: both checks report it, and the
// spawn check offers the std::jthread fix (C++20).
#include <thread>

void poll();

void start() {
  std::thread worker([] {
    while (true) {
      poll();
    }
  });
  worker.join();
}
