// Nothing to report: the jthread's lambda takes its stop token and checks it.
#include <stop_token>
#include <thread>

void poll();

void start() {
  std::jthread worker([](std::stop_token token) {
    while (!token.stop_requested())
      poll();
  });
}
