// A leak, without shared.h.
#include <thread>

void tick();

void start_c() {
  std::thread ticker([] {
    for (;;)
      tick();
  });
  ticker.join();
}
