// Compiles only with the flags of the compilation database (-DFROM_DATABASE=1
// -std=c++20), so a finding proves they were used.
#ifndef FROM_DATABASE
#error "compiled without the compilation database's flags"
#endif
#include <stop_token>
#include <thread>

void poll();

void start() {
  std::jthread worker([] {
    for (;;)
      poll();
  });
}
