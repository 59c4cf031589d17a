// Clean: the loop ends.
#include <thread>

void work(int);

void start_e() {
  std::thread worker([] {
    for (int i = 0; i < 10; ++i)
      work(i);
  });
  worker.join();
}
