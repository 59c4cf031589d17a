// Does not compile.
#include <thread>

void start() {
  std::thread worker([] { undeclared_function(); });
  worker.join();
}
