#include <thread>
#include "shared.h"

void poll_sensors();

void run_fast() {
  std::thread worker([] {
    while (true) {
      poll_sensors();
    }
  });
  worker.join();
}
