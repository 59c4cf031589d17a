// Opened through taskleak-clangd by lsp.test: a std::thread whose lambda
// loops forever (both taskleak checks, and the std::jthread quick fix) beside
// an ordinary -Wall warning. The line numbers are checked in lsp.test.
#include <thread>

void work();

void run() {
  std::thread t([] {
    while (true) {
      work();
    }
  });
  t.join();
  int unused = 0;
}
