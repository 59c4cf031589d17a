// RUN: %check_taskleak %s taskleak-detached-thread %t -check-suffix=DEPTH3
// RUN: %check_taskleak %s taskleak-detached-thread %t.d1 -check-suffix=DEPTH1 -check-options='CallDepth: 1'

// CallDepth: how many levels of calls are followed from the detached task's
// body to find the loop that keeps it running. The default is 3; with
// CallDepth 1 a loop two calls away is not seen.

#include <atomic>
#include <thread>

void poll();
bool accept_one();
std::atomic<bool> running{true};

void serve_loop() {
  while (running) {
    poll();
  }
}
void serve_mid() { serve_loop(); }
void serve_top() { serve_mid(); }

void accept_two_calls_away() {
  while (accept_one()) {
    std::thread t(serve_top);
    t.detach();
    // CHECK-MESSAGES-DEPTH3: :[[@LINE-1]]:7: warning: detached thread runs until it is asked to stop and is started again on every round of the enclosing loop, so threads that nobody can join pile up [taskleak-detached-thread]
    // CHECK-MESSAGES-DEPTH3: :[[@LINE-3]]:17: note: thread started here
    // CHECK-MESSAGES-DEPTH3: :[[@LINE-5]]:3: note: this loop starts one more thread each round
    // CHECK-MESSAGES-DEPTH3: :[[@LINE-14]]:3: note: the task's loop ends only on a stop request
  }
}

// One call away: seen with CallDepth 1 too.
void accept_one_call_away() {
  while (accept_one()) {
    std::thread t(serve_mid);
    t.detach();
    // CHECK-MESSAGES-DEPTH3: :[[@LINE-1]]:7: warning: detached thread runs until it is asked to stop and is started again on every round of the enclosing loop, so threads that nobody can join pile up [taskleak-detached-thread]
    // CHECK-MESSAGES-DEPTH3: :[[@LINE-3]]:17: note: thread started here
    // CHECK-MESSAGES-DEPTH3: :[[@LINE-5]]:3: note: this loop starts one more thread each round
    // CHECK-MESSAGES-DEPTH3: :[[@LINE-26]]:3: note: the task's loop ends only on a stop request
    // CHECK-MESSAGES-DEPTH1: :[[@LINE-5]]:7: warning: detached thread runs until it is asked to stop and is started again on every round of the enclosing loop, so threads that nobody can join pile up [taskleak-detached-thread]
    // CHECK-MESSAGES-DEPTH1: :[[@LINE-7]]:17: note: thread started here
    // CHECK-MESSAGES-DEPTH1: :[[@LINE-9]]:3: note: this loop starts one more thread each round
    // CHECK-MESSAGES-DEPTH1: :[[@LINE-30]]:3: note: the task's loop ends only on a stop request
  }
}
