#include <thread>

void poll() {}

int main() {
  std::thread worker([] {
    for (;;)
      poll();
  });
  worker.detach();
}
