// A finding with a fix-it, in a file that does not compile.
#include <thread>

void poll();

void start() {
  std::thread worker([] {
    while (true) {
      poll();
    }
  });
  worker.join();
  undeclared_function();
}
