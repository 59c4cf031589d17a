// RUN: %check_taskleak %s taskleak-waitgroup-mismatch %t

// Built-in wait groups besides the standard library's: absl::BlockingCounter
// (DecrementCount; Wait) and boost::latch (count_down, count_down_and_wait;
// wait, count_down_and_wait).

#include <absl/synchronization/blocking_counter.h>
#include <boost/thread.hpp>
#include <boost/thread/latch.hpp>

#include <functional>
#include <stdexcept>
#include <thread>
#include <vector>

void work(int id);
bool failed();
void publish(absl::BlockingCounter &counter);

// A scope guard: runs its callable when it goes out of scope.
template <typename F> struct ScopeExit {
  F f;
  ~ScopeExit() { f(); }
};

// ===========================================================================
// Positive cases
// ===========================================================================

// Abseil: three expected, two decrements.
void counter_too_high() {
  absl::BlockingCounter counter(3);
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: wait group 'counter' is created with a count of 3 but is counted down 2 times, so 'Wait' blocks forever [taskleak-waitgroup-mismatch]
  std::thread a([&counter] { work(1); counter.DecrementCount(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:15: note: task counting it down started here
  std::thread b([&counter] { work(2); counter.DecrementCount(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:15: note: task counting it down started here
  counter.Wait();
  a.join();
  b.join();
}

// Abseil: a loop of three tasks for a count of two.
void counter_too_low() {
  absl::BlockingCounter pending(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: wait group 'pending' is created with a count of 2 but is counted down 3 times, so the count drops below zero [taskleak-waitgroup-mismatch]
  std::vector<std::jthread> workers;
  for (int i = 0; i < 3; ++i)
    workers.emplace_back([&pending, i] {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
      work(i);
      pending.DecrementCount();
    });
  pending.Wait();
}

// Abseil: an early return skips DecrementCount.
void counter_early_return() {
  absl::BlockingCounter counter(1);
  std::jthread t([&counter] {
    if (failed())
      return;
    counter.DecrementCount();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'DecrementCount' on wait group 'counter' is not reached on every path through the task, so 'Wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
    // CHECK-MESSAGES: :[[@LINE-3]]:7: note: this path leaves the task without calling 'DecrementCount'
  });
  counter.Wait();
}

// Abseil: a task waits before it decrements.
void counter_waits_first() {
  absl::BlockingCounter counter(2);
  std::jthread a([&counter] {
    counter.Wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: task waits on wait group 'counter' before counting it down, so the wait can never complete [taskleak-waitgroup-mismatch]
    counter.DecrementCount();
  });
  std::jthread b([&counter] { counter.DecrementCount(); });
  counter.Wait();
}

// Boost: a latch of two, three tasks.
void boost_latch_too_low() {
  boost::latch l(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: wait group 'l' is created with a count of 2 but is counted down 3 times, so the count drops below zero [taskleak-waitgroup-mismatch]
  std::jthread a([&l] { l.count_down(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: task counting it down started here
  std::jthread b([&l] { l.count_down(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: task counting it down started here
  std::jthread c([&l] { l.count_down(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: task counting it down started here
  l.wait();
}

// Boost: count_down_and_wait in every task, and boost::thread spawns.
void boost_latch_and_wait_too_high() {
  boost::latch arrived(4);
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: wait group 'arrived' is created with a count of 4 but is counted down 2 times, so 'wait' blocks forever [taskleak-waitgroup-mismatch]
  boost::thread a([&arrived] { work(1); arrived.count_down_and_wait(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:17: note: task counting it down started here
  boost::thread b([&arrived] { work(2); arrived.count_down_and_wait(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:17: note: task counting it down started here
  a.join();
  b.join();
}

// Boost: a throw skips count_down.
void boost_latch_throw() {
  boost::latch done(1);
  std::jthread t([&done] {
    work(1);
    if (failed())
      throw std::runtime_error("failed");
    done.count_down();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'count_down' on wait group 'done' is not reached on every path through the task, so 'wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
    // CHECK-MESSAGES: :[[@LINE-3]]:7: note: this path leaves the task without calling 'count_down'
  });
  done.wait();
}

// Boost: a task waits before it counts down.
void boost_latch_waits_first() {
  boost::latch l(2);
  std::jthread a([&l] {
    l.wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: task waits on wait group 'l' before counting it down, so the wait can never complete [taskleak-waitgroup-mismatch]
    l.count_down();
  });
  std::jthread b([&l] { l.count_down(); });
  l.wait();
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: the counts match.
void counter_matches() {
  absl::BlockingCounter counter(2);
  std::jthread a([&counter] { counter.DecrementCount(); });
  std::jthread b([&counter] { counter.DecrementCount(); });
  counter.Wait();
}

// OK: matches; the function decrements too.
void counter_matches_with_function() {
  absl::BlockingCounter counter(3);
  std::vector<std::jthread> workers;
  for (int i = 0; i < 2; ++i)
    workers.emplace_back([&counter] { counter.DecrementCount(); });
  counter.DecrementCount();
  counter.Wait();
}

// OK: the count is computed at run time.
void counter_runtime(int n) {
  absl::BlockingCounter counter(n);
  std::jthread a([&counter] { counter.DecrementCount(); });
  counter.Wait();
}

// OK: a scope guard decrements on every way out.
void counter_scope_guard() {
  absl::BlockingCounter counter(1);
  std::jthread t([&counter] {
    ScopeExit guard{[&counter] { counter.DecrementCount(); }};
    if (failed())
      return;
    work(1);
  });
  counter.Wait();
}

// OK: the counter is passed to an unknown function.
void counter_escapes() {
  absl::BlockingCounter counter(3);
  publish(counter);
  std::jthread a([&counter] { counter.DecrementCount(); });
  counter.Wait();
}

// OK: the counter is a member, not a local.
class Batch {
public:
  void run() {
    std::jthread a([this] { counter_.DecrementCount(); });
    counter_.Wait();
  }

private:
  absl::BlockingCounter counter_{4};
};

// OK: Boost latch, counts match; count_down_and_wait in the tasks.
void boost_latch_matches() {
  boost::latch arrived(2);
  std::jthread a([&arrived] { arrived.count_down_and_wait(); });
  std::jthread b([&arrived] { arrived.count_down_and_wait(); });
}

// OK: count_down then wait.
void boost_latch_count_down_then_wait() {
  boost::latch l(2);
  std::jthread a([&l] {
    l.count_down();
    l.wait();
  });
  std::jthread b([&l] {
    l.count_down();
    l.wait();
  });
}

// OK: through std::ref, matching.
void boost_worker(boost::latch &l) {
  work(0);
  l.count_down();
}

void boost_latch_std_ref() {
  boost::latch l(2);
  std::thread a(boost_worker, std::ref(l));
  std::thread b(boost_worker, std::ref(l));
  l.wait();
  a.join();
  b.join();
}

// OK: a decrement in a loop of the task: no count diagnostic.
void boost_latch_loop_in_task(int n) {
  boost::latch l(5);
  std::jthread t([&l, n] {
    l.count_down();
    for (int i = 0; i < n; ++i)
      l.count_down();
  });
  l.wait();
}
