// RUN: %check_taskleak %s taskleak-loop-without-cancellation %t -check-suffix=DEPTH3
// RUN: %check_taskleak %s taskleak-loop-without-cancellation %t.d1 -check-suffix=DEPTH1 -check-options='CallDepth: 1'

// CallDepth: how many levels of calls are followed from a task body (to find
// loops) and from a loop (to find cancellation points). The default is 3;
// with CallDepth 1 a loop or a cancellation point two calls away is not seen.

#include <pthread.h>
#include <thread>

void poll();

// A cancellation point two calls away from the loop.
void check_cancel2() { pthread_testcancel(); }
void check_cancel1() { check_cancel2(); }

void cancellation_two_calls_away() {
  std::thread t([] {
    for (;;) {
      // CHECK-MESSAGES-DEPTH1: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
      // CHECK-MESSAGES-DEPTH1: :[[@LINE-3]]:15: note: task spawned here
      poll();
      check_cancel1();
    }
  });
  t.detach();
}

// An endless loop two calls away from the task body.
void spin_loop() {
  for (;;) {
    // CHECK-MESSAGES-DEPTH3: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES-DEPTH3: :[[@LINE+10]]:15: note: task spawned here
    // CHECK-MESSAGES-DEPTH1: :[[@LINE-3]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES-DEPTH1: :[[@LINE+15]]:15: note: task spawned here
    poll();
  }
}
void spin_mid() { spin_loop(); }
void spin_top() { spin_mid(); }

void loop_two_calls_away() {
  std::thread t(spin_top);
  t.detach();
}

// One call away: seen with CallDepth 1 too (reported once, at the first spawn
// that reaches it).
void loop_one_call_away() {
  std::thread t(spin_mid);
  t.detach();
}
