// RUN: %check_taskleak %s taskleak-blocking-wait-ignores-stop-token %t -check-suffix=DEPTH3
// RUN: %check_taskleak %s taskleak-blocking-wait-ignores-stop-token %t.d1 -check-suffix=DEPTH1 -check-options='CallDepth: 1'

// CallDepth: how many levels of calls are followed from a function that
// requests a stop to find what it wakes. The default is 3; with CallDepth 1
// the notify two calls away from request_stop() is not seen, and the wait is
// reported.

#include <condition_variable>
#include <mutex>
#include <stop_token>

std::mutex m;
std::condition_variable cv;
bool ready = false;

void wake2() { cv.notify_all(); }
void wake1() { wake2(); }

struct Service {
  std::stop_source src;
  void stop() {
    src.request_stop();
    wake1();
  }
};

void worker(std::stop_token st) {
  std::unique_lock<std::mutex> lk(m);
  cv.wait(lk, [] { return ready; });
  // CHECK-MESSAGES-DEPTH1: :[[@LINE-1]]:6: warning: 'std::condition_variable::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
  // CHECK-MESSAGES-DEPTH1: :[[@LINE-4]]:29: note: stop requests reach the task through 'st'
}
