#include <thread>

void poll();

void start_worker() {
  std::thread worker([] {
    for (;;)
      poll();
  });
  worker.detach();
}
