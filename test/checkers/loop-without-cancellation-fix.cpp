// RUN: %check_taskleak %s taskleak-loop-without-cancellation %t

// Fix-its: when a std::stop_token/std::stop_source parameter or lambda capture
// is in scope and the function returns void, `while (true)`, `while (1)`,
// `for (;;)` become `while (!NAME.stop_requested())`; for `do ... while (true)`
// only the condition changes.

#include <deque>
#include <stop_token>
#include <thread>

void poll();
int next_event();
void handle(int value);
constexpr bool kForever = true;
std::stop_source g_source;

#define FOREVER for (;;)

// ===========================================================================
// Fixed
// ===========================================================================

void drain(std::stop_token st, std::deque<int> &queue) {
  while (true) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-FIXES: {{^}}  while (!st.stop_requested()) {
    if (!queue.empty())
      queue.pop_front();
  }
}

void jthread_lambda() {
  std::jthread worker([](std::stop_token token) {
    for (;;) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:16: note: task spawned here
    // CHECK-FIXES: {{^}}    while (!token.stop_requested()) {
      poll();
    }
  });
}

void captured_stop_source() {
  std::stop_source source;
  std::thread t([&source] {
    (void)source;
    do {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-4]]:15: note: task spawned here
    // CHECK-FIXES: {{^}}    do {
      poll();
    } while (true);
    // CHECK-FIXES: {{^}}    } while (!source.stop_requested());
  });
  source.request_stop();
  t.join();
}

void tick(int id, std::stop_token stoken) {
  while (1)
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-FIXES: {{^}}  while (!stoken.stop_requested())
    handle(id);
}

// The token is captured by value by the spawned lambda.
void relay(std::stop_token st) {
  std::thread t([st] {
    for (;;)
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: task spawned here
    // CHECK-FIXES: {{^}}    while (!st.stop_requested())
      poll();
  });
  t.join();
}

// The `break` belongs to the switch; the loop header is still rewritten.
void dispatch(std::stop_token st) {
  while (true) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-FIXES: {{^}}  while (!st.stop_requested()) {
    switch (next_event()) {
    case 0:
      break;
    default:
      poll();
    }
  }
}

// ===========================================================================
// Diagnosed, but not fixed
// ===========================================================================

// The function does not return void.
int count_events(std::stop_token st) {
  int n = 0;
  (void)st;
  for (;;) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-FIXES: {{^}}  for (;;) {
    n += next_event();
    handle(n);
  }
}

// The loop is written in a macro.
void macro_loop(std::stop_token st) {
  (void)st;
  FOREVER {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-FIXES: {{^}}  FOREVER {
    poll();
  }
}

// The condition is a named constant, not `true`/`1`.
void named_constant(std::stop_token st) {
  (void)st;
  while (kForever) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-FIXES: {{^}}  while (kForever) {
    poll();
  }
}

// The token is a local variable, not a parameter or a capture.
void local_token() {
  std::thread t([] {
    std::stop_token tok = g_source.get_token();
    (void)tok;
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-5]]:15: note: task spawned here
    // CHECK-FIXES: {{^}}    while (true) {
      poll();
    }
  });
  t.join();
}

// Hard case: the enclosing function has a token, but the lambda holding the
// loop does not capture it.
void not_captured(std::stop_token st) {
  (void)st;
  std::thread t([] {
    for (;;) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: task spawned here
    // CHECK-FIXES: {{^}}    for (;;) {
      poll();
    }
  });
  t.join();
}

// No stop token anywhere.
void no_token() {
  std::thread t([] {
    while (1) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: task spawned here
    // CHECK-FIXES: {{^}}    while (1) {
      poll();
    }
  });
  t.join();
}

// An unnamed token parameter cannot be referred to (whatever the tool does,
// the fixed file must still compile).
void unnamed_token(std::stop_token) {
  for (;;)
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    poll();
}
