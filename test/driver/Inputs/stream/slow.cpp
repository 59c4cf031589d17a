#include <thread>
#include "shared.h"
#include "gate.h"

void run_slow() {
  std::thread t([] {
    for (;;) {
      gate_work();
    }
  });
  t.join();
}
