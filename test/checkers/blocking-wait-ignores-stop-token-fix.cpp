// RUN: %check_taskleak %s taskleak-blocking-wait-ignores-stop-token %t

// Fix-its: `cv.wait(lock, pred);` on a std::condition_variable_any becomes
// `if (!cv.wait(lock, st, pred)) return;` when a std::stop_token parameter
// or capture `st` can be named at the wait, the function returns void and is
// not a coroutine, and the wait is a statement of a block. The stop-token
// overload returns false when a stop was requested before the predicate
// held: returning then keeps the code after the wait from running with an
// unsatisfied predicate. Every other form is reported without a fix.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <stop_token>
#include <thread>

void handle(int value);

struct Queue {
  std::mutex m;
  std::condition_variable_any cv;
  std::condition_variable plain;
  std::deque<int> items;
  bool has_item() const { return !items.empty(); }
};

#define WAIT_FOR_ITEM(cv, lock, q) cv.wait(lock, [&] { return !q.items.empty(); })

// ===========================================================================
// Fixed
// ===========================================================================

void consume(std::stop_token st, Queue &q) {
  while (!st.stop_requested()) {
    std::unique_lock<std::mutex> lock(q.m);
    q.cv.wait(lock, [&] { return !q.items.empty(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'std::condition_variable_any::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-5]]:30: note: stop requests reach the task through 'st'
    // CHECK-FIXES: {{^}}    if (!q.cv.wait(lock, st, [&] { return !q.items.empty(); })) return;
    handle(q.items.front());
    q.items.pop_front();
  }
}

void jthread_lambda(Queue &q) {
  std::jthread worker([&q](std::stop_token token) {
    std::unique_lock<std::mutex> lock(q.m);
    for (;;) {
      q.cv.wait(lock,
                [&q] { return q.has_item(); });
      // CHECK-MESSAGES: :[[@LINE-2]]:12: warning: 'std::condition_variable_any::wait' blocks and a stop request on 'token' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
      // CHECK-MESSAGES: :[[@LINE-6]]:44: note: stop requests reach the task through 'token'
      // CHECK-FIXES: {{^}}      if (!q.cv.wait(lock,
      // CHECK-FIXES-NEXT: {{^}}                token, [&q] { return q.has_item(); })) return;
      q.items.pop_front();
    }
  });
}

// A captured token, a predicate that is not a lambda.
struct HasItem {
  const Queue *q;
  bool operator()() const { return !q->items.empty(); }
};
void captured_token(std::stop_token outer, Queue &q) {
  std::thread t([outer, &q] {
    std::unique_lock<std::mutex> lock(q.m);
    q.cv.wait(lock, HasItem{&q});
    // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'std::condition_variable_any::wait' blocks and a stop request on 'outer' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-4]]:18: note: stop requests reach the task through the captured 'outer'
    // CHECK-FIXES: {{^}}    if (!q.cv.wait(lock, outer, HasItem{&q})) return;
    handle(q.items.front());
  });
  t.detach();
}

// ===========================================================================
// Reported, not fixed
// ===========================================================================

// A plain condition_variable has no stop-token overload.
void plain_cv(std::stop_token st, Queue &q) {
  std::unique_lock<std::mutex> lock(q.m);
  q.plain.wait(lock, [&] { return !q.items.empty(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'std::condition_variable::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
  // CHECK-MESSAGES: :[[@LINE-4]]:31: note: stop requests reach the task through 'st'
  // CHECK-FIXES: {{^}}  q.plain.wait(lock, [&] { return !q.items.empty(); });
}

// No predicate: the stop-token overload needs one.
void no_predicate(std::stop_token st, Queue &q) {
  std::unique_lock<std::mutex> lock(q.m);
  q.cv.wait(lock);
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'std::condition_variable_any::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
  // CHECK-MESSAGES: :[[@LINE-4]]:35: note: stop requests reach the task through 'st'
  // CHECK-FIXES: {{^}}  q.cv.wait(lock);
}

// A stop_source cannot be passed to wait().
void source_only(std::stop_source src, Queue &q) {
  std::unique_lock<std::mutex> lock(q.m);
  q.cv.wait(lock, [&] { return !q.items.empty(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'std::condition_variable_any::wait' blocks and a stop request on 'src' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
  // CHECK-MESSAGES: :[[@LINE-4]]:35: note: stop requests reach the task through 'src'
  // CHECK-FIXES: {{^}}  q.cv.wait(lock, [&] { return !q.items.empty(); });
}

// The function returns a value: `return;` would not compile.
int returns_value(std::stop_token st, Queue &q) {
  std::unique_lock<std::mutex> lock(q.m);
  q.cv.wait(lock, [&] { return !q.items.empty(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'std::condition_variable_any::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
  // CHECK-MESSAGES: :[[@LINE-4]]:35: note: stop requests reach the task through 'st'
  // CHECK-FIXES: {{^}}  q.cv.wait(lock, [&] { return !q.items.empty(); });
  return q.items.front();
}

// The token's name is shadowed in the body.
void shadowed(std::stop_token st, Queue &q) {
  std::unique_lock<std::mutex> lock(q.m);
  {
    int st = 0;
    q.cv.wait(lock, [&] { return st > 0 || !q.items.empty(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'std::condition_variable_any::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-6]]:31: note: stop requests reach the task through 'st'
    // CHECK-FIXES: {{^}}    q.cv.wait(lock, [&] { return st > 0 || !q.items.empty(); });
  }
}

// Not a statement of a block: an if without braces.
void unbraced(std::stop_token st, Queue &q, bool wait) {
  std::unique_lock<std::mutex> lock(q.m);
  if (wait)
    q.cv.wait(lock, [&] { return !q.items.empty(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'std::condition_variable_any::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
  // CHECK-MESSAGES: :[[@LINE-5]]:31: note: stop requests reach the task through 'st'
  // CHECK-FIXES: {{^}}    q.cv.wait(lock, [&] { return !q.items.empty(); });
  else
    handle(0);
}

// Written in a macro.
void in_macro(std::stop_token st, Queue &q) {
  std::unique_lock<std::mutex> lock(q.m);
  WAIT_FOR_ITEM(q.cv, lock, q);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'std::condition_variable_any::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
  // CHECK-MESSAGES: :[[@LINE-4]]:31: note: stop requests reach the task through 'st'
  // CHECK-FIXES: {{^}}  WAIT_FOR_ITEM(q.cv, lock, q);
}
