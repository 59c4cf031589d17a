// A leak: a std::thread whose lambda loops forever.
#include "shared.h"
#include <thread>

void start_a() {
  std::thread worker([] {
    while (true) {
      poll();
    }
  });
  worker.join();
}
