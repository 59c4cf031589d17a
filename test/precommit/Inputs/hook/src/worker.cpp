#include <thread>
#include "worker.h"

void poll();

void start() {
  std::jthread worker([](std::stop_token token) {
    while (KEEP_RUNNING(token))
      poll();
  });
}
