// __DATE__ and __TIME__ differ from run to run; the cache key ignores the
// tokens the preprocessor makes itself (cache.test).
#include <thread>

const char *built_at = __DATE__ " " __TIME__;

void poll();

void start() {
  std::thread worker([] {
    while (true)
      poll();
  });
  worker.join();
}
