// A leak: a detached thread polling forever.
#include "shared.h"
#include <thread>

void start_b() {
  std::thread([] {
    for (;;)
      poll();
  }).detach();
}
