#pragma once
#include <thread>

void shared_work();

inline void start_shared() {
  std::thread t([] {
    for (;;)
      shared_work();
  });
  t.join();
}
