// RUN: %check_taskleak %s taskleak-spawn-without-stop-token %t -check-suffix=DEPTH3
// RUN: %check_taskleak %s taskleak-spawn-without-stop-token %t.d1 -check-suffix=DEPTH1 -check-options='CallDepth: 1'

// CallDepth: how many levels of calls are followed from a task body (to find
// its endless loops) and from a loop (to find cancellation points). The
// default is 3; with CallDepth 1 a loop or a cancellation point two calls
// away is not seen.

#include <pthread.h>
#include <thread>

void poll();

// A cancellation point two calls away from the loop.
void check_cancel2() { pthread_testcancel(); }
void check_cancel1() { check_cancel2(); }

void cancellation_two_calls_away() {
  std::thread t([] {
    // CHECK-MESSAGES-DEPTH1: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    // CHECK-MESSAGES-DEPTH1: :[[@LINE+1]]:5: note: loop never exits and reaches no cancellation point
    for (;;) {
      poll();
      check_cancel1();
    }
  });
  t.detach();
}

// An endless loop two calls away from the task body.
void spin_loop() {
  for (;;) {
    poll();
  }
}
void spin_mid() { spin_loop(); }
void spin_top() { spin_mid(); }

void loop_two_calls_away() {
  std::thread t(spin_top);
  // CHECK-MESSAGES-DEPTH3: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-DEPTH3: :[[@LINE-10]]:3: note: loop never exits and reaches no cancellation point
  t.detach();
}

// One call away: seen with CallDepth 1 too.
void loop_one_call_away() {
  std::thread t(spin_mid);
  // CHECK-MESSAGES-DEPTH3: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-DEPTH3: :[[@LINE-18]]:3: note: loop never exits and reaches no cancellation point
  // CHECK-MESSAGES-DEPTH1: :[[@LINE-3]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-DEPTH1: :[[@LINE-20]]:3: note: loop never exits and reaches no cancellation point
  t.detach();
}
