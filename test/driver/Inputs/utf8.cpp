// UTF-8 before a finding on its line: clang counts bytes, SARIF counts UTF-16
// code units (formats.test).
#include <thread>

void poll();

void start() {
  /* größe */ std::thread worker([] { for (;;) poll(); });
  worker.join();
}
