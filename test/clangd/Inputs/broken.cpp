// Opened through taskleak-clangd by model-errors.test: the same leak as
// leak.cpp, and a compiler error.
#include <thread>

void work();

void run() {
  std::thread t([] {
    while (true) {
      work();
    }
  });
  t.join();
}

int answer() { return undeclared_answer; }
