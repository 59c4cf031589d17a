// A leak in a header that a.cpp and b.cpp include (parallel.test).
#pragma once
#include <thread>
void poll();
inline void start_in_header() {
  std::thread worker([] {
    while (true)
      poll();
  });
  worker.join();
}
