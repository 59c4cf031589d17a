// RUN: %check_taskleak -check-options='taskleak-blocking-wait-ignores-stop-token.LongSleepMilliseconds: 100' %s taskleak-blocking-wait-ignores-stop-token %t

// LongSleepMilliseconds sets how long a sleep in the loop of a stop-aware
// task may be before it is reported (1000 by default).

#include <chrono>
#include <stop_token>
#include <thread>
#include <unistd.h>

using namespace std::chrono_literals;

void poll_device();

void half_a_second(std::stop_token st) {
  while (!st.stop_requested()) {
    poll_device();
    std::this_thread::sleep_for(500ms);
    // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 'std::this_thread::sleep_for' sleeps for 500 ms and a stop request on 'st' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-5]]:36: note: stop requests reach the task through 'st'
    usleep(100000);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'usleep' sleeps for 100 ms and a stop request on 'st' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
  }
}

// Below the threshold.
void short_poll(std::stop_token st) {
  while (!st.stop_requested()) {
    poll_device();
    std::this_thread::sleep_for(50ms);
    usleep(99999);
  }
}
