// RUN: %check_taskleak -model=%S/Inputs/golike.taskleak.yaml %s taskleak-waitgroup-mismatch %t

// Fix-its:
// * an Add inside the task moves before the spawn statement, when it is a
//   full statement at the top level of the lambda body with literal
//   arguments and the spawn is a statement in a block;
// * a constant count that does not match the decrements is replaced with the
//   computed count.
// Paths that skip Done, and waits before a count-down, are never fixed.

#include <absl/synchronization/blocking_counter.h>
#include <barrier>
#include <boost/thread/latch.hpp>
#include <golike.h>
#include <latch>
#include <thread>
#include <vector>

void work(int id);
bool failed();

// ===========================================================================
// Add inside the task: moved before the spawn
// ===========================================================================

void fix_add_inside_task() {
  golike::WaitGroup wg;
  golike::go([&wg] {
    wg.Add(1);
    work(1);
    wg.Done();
  });
  // CHECK-MESSAGES: :[[@LINE-4]]:5: warning: 'Add' on wait group 'wg' is called inside the task it counts, so it races with 'Wait'; call it before starting the task [taskleak-waitgroup-mismatch]
  wg.Wait();
}
// The statement leaves the lambda with its line; the next line keeps its
// indentation.
// CHECK-FIXES: {{^}}void fix_add_inside_task() {
// CHECK-FIXES-NEXT: {{^}}  golike::WaitGroup wg;{{$}}
// CHECK-FIXES-NEXT: {{^}}  wg.Add(1);{{$}}
// CHECK-FIXES-NEXT: {{^}}  golike::go([&wg] {
// CHECK-FIXES-NEXT: {{^}}    work(1);{{$}}
// CHECK-FIXES-NEXT: {{^}}    wg.Done();{{$}}

// In a loop body: the new statement gets the spawn's indentation.
void fix_add_in_loop_body() {
  golike::WaitGroup wg;
  for (int i = 0; i < 4; ++i) {
    golike::go([&wg, i] {
      wg.Add(1);
      work(i);
      wg.Done();
    });
    // CHECK-MESSAGES: :[[@LINE-4]]:7: warning: 'Add' on wait group 'wg' is called inside the task it counts, so it races with 'Wait'; call it before starting the task [taskleak-waitgroup-mismatch]
  }
  wg.Wait();
}
// CHECK-FIXES: {{^}}void fix_add_in_loop_body() {
// CHECK-FIXES-NEXT: {{^}}  golike::WaitGroup wg;{{$}}
// CHECK-FIXES-NEXT: {{^}}  for (int i = 0; i < 4; ++i) {
// CHECK-FIXES-NEXT: {{^}}    wg.Add(1);{{$}}
// CHECK-FIXES-NEXT: {{^}}    golike::go([&wg, i] {
// CHECK-FIXES-NEXT: {{^}}      work(i);{{$}}

// The spawn is a declaration statement (std::thread).
void fix_add_before_thread() {
  golike::WaitGroup wg;
  std::thread t([&wg] {
    wg.Add(1);
    work(1);
    wg.Done();
  });
  // CHECK-MESSAGES: :[[@LINE-4]]:5: warning: 'Add' on wait group 'wg' is called inside the task it counts, so it races with 'Wait'; call it before starting the task [taskleak-waitgroup-mismatch]
  wg.Wait();
  t.join();
}
// CHECK-FIXES: {{^}}void fix_add_before_thread() {
// CHECK-FIXES-NEXT: {{^}}  golike::WaitGroup wg;{{$}}
// CHECK-FIXES-NEXT: {{^}}  wg.Add(1);{{$}}
// CHECK-FIXES-NEXT: {{^}}  std::thread t([&wg] {
// CHECK-FIXES-NEXT: {{^}}    work(1);{{$}}

// ===========================================================================
// Add inside the task: diagnosed, not fixed
// ===========================================================================

// Not at the top level of the lambda body (and Done is skipped when n <= 0).
void no_fix_add_in_branch(int n) {
  golike::WaitGroup wg;
  golike::go([&wg, n] {
    if (n > 0) {
      wg.Add(1);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'Add' on wait group 'wg' is called inside the task it counts, so it races with 'Wait'; call it before starting the task [taskleak-waitgroup-mismatch]
      work(n);
      wg.Done();
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'Done' on wait group 'wg' is not reached on every path through the task, so 'Wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
      // CHECK-MESSAGES: :[[@LINE+2]]:3: note: this path leaves the task without calling 'Done'
    }
  });
  wg.Wait();
}
// CHECK-FIXES: {{^}}void no_fix_add_in_branch(int n) {
// CHECK-FIXES-NEXT: {{^}}  golike::WaitGroup wg;{{$}}
// CHECK-FIXES-NEXT: {{^}}  golike::go([&wg, n] {
// CHECK-FIXES-NEXT: {{^}}    if (n > 0) {
// CHECK-FIXES-NEXT: {{^}}      wg.Add(1);{{$}}

// A non-literal argument.
void no_fix_add_variable(int n) {
  golike::WaitGroup wg;
  golike::go([&wg, n] {
    wg.Add(n);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'Add' on wait group 'wg' is called inside the task it counts, so it races with 'Wait'; call it before starting the task [taskleak-waitgroup-mismatch]
    work(n);
    wg.Done();
  });
  wg.Wait();
}
// CHECK-FIXES: {{^}}void no_fix_add_variable(int n) {
// CHECK-FIXES-NEXT: {{^}}  golike::WaitGroup wg;{{$}}
// CHECK-FIXES-NEXT: {{^}}  golike::go([&wg, n] {
// CHECK-FIXES-NEXT: {{^}}    wg.Add(n);{{$}}

// The spawn is not a statement in a block.
void no_fix_spawn_not_in_block(bool enabled) {
  golike::WaitGroup wg;
  if (enabled)
    golike::go([&wg] {
      wg.Add(1);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'Add' on wait group 'wg' is called inside the task it counts, so it races with 'Wait'; call it before starting the task [taskleak-waitgroup-mismatch]
      wg.Done();
    });
  wg.Wait();
}
// CHECK-FIXES: {{^}}void no_fix_spawn_not_in_block(bool enabled) {
// CHECK-FIXES-NEXT: {{^}}  golike::WaitGroup wg;{{$}}
// CHECK-FIXES-NEXT: {{^}}  if (enabled){{$}}
// CHECK-FIXES-NEXT: {{^}}    golike::go([&wg] {
// CHECK-FIXES-NEXT: {{^}}      wg.Add(1);{{$}}

// A task function, not a lambda.
void adding_worker(golike::WaitGroup &wg) {
  wg.Add(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'Add' on wait group 'wg' is called inside the task it counts, so it races with 'Wait'; call it before starting the task [taskleak-waitgroup-mismatch]
  work(0);
  wg.Done();
}
// CHECK-FIXES: {{^}}void adding_worker(golike::WaitGroup &wg) {
// CHECK-FIXES-NEXT: {{^}}  wg.Add(1);{{$}}

void no_fix_task_function() {
  golike::WaitGroup wg;
  golike::go(adding_worker, std::ref(wg));
  wg.Wait();
}
// CHECK-FIXES: {{^}}void no_fix_task_function() {
// CHECK-FIXES-NEXT: {{^}}  golike::WaitGroup wg;{{$}}
// CHECK-FIXES-NEXT: {{^}}  golike::go(adding_worker, std::ref(wg));{{$}}

// ===========================================================================
// Count mismatch: the count becomes the computed one
// ===========================================================================

void fix_latch_count() {
  std::latch done(3);
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: wait group 'done' is created with a count of 3 but is counted down 2 times, so 'wait' blocks forever [taskleak-waitgroup-mismatch]
  std::jthread a([&done] { done.count_down(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: task counting it down started here
  std::jthread b([&done] { done.count_down(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: task counting it down started here
  done.wait();
}
// CHECK-FIXES: {{^}}void fix_latch_count() {
// CHECK-FIXES-NEXT: {{^}}  std::latch done(2);{{$}}

void fix_latch_brace_count() {
  std::latch ready{3};
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: wait group 'ready' is created with a count of 3 but is counted down 4 times, so the count drops below zero [taskleak-waitgroup-mismatch]
  std::jthread a([&ready] { ready.count_down(2); });
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: task counting it down started here
  std::jthread b([&ready] { ready.count_down(2); });
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: task counting it down started here
  ready.wait();
}
// CHECK-FIXES: {{^}}void fix_latch_brace_count() {
// CHECK-FIXES-NEXT: {{^}}  std::latch ready{4};{{$}}

void fix_barrier_count() {
  std::barrier sync(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: wait group 'sync' is created with a count of 2 but is counted down 3 times, so the count drops below zero [taskleak-waitgroup-mismatch]
  std::jthread a([&sync] { sync.arrive_and_wait(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: task counting it down started here
  std::jthread b([&sync] { sync.arrive_and_wait(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: task counting it down started here
  sync.arrive_and_wait();
}
// CHECK-FIXES: {{^}}void fix_barrier_count() {
// CHECK-FIXES-NEXT: {{^}}  std::barrier sync(3);{{$}}

void fix_counter_count() {
  absl::BlockingCounter counter(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: wait group 'counter' is created with a count of 2 but is counted down 3 times, so the count drops below zero [taskleak-waitgroup-mismatch]
  std::vector<std::jthread> workers;
  for (int i = 0; i < 3; ++i)
    workers.emplace_back([&counter] { counter.DecrementCount(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
  counter.Wait();
}
// CHECK-FIXES: {{^}}void fix_counter_count() {
// CHECK-FIXES-NEXT: {{^}}  absl::BlockingCounter counter(3);{{$}}

void fix_boost_latch_count() {
  boost::latch l(5);
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: wait group 'l' is created with a count of 5 but is counted down 3 times, so 'wait' blocks forever [taskleak-waitgroup-mismatch]
  int parts[3] = {1, 2, 3};
  for (int &p : parts)
    std::thread([&l, &p] { work(p); l.count_down(); }).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
  l.wait();
}
// CHECK-FIXES: {{^}}void fix_boost_latch_count() {
// CHECK-FIXES-NEXT: {{^}}  boost::latch l(3);{{$}}

void fix_add_count() {
  golike::WaitGroup wg;
  wg.Add(3);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait group 'wg' is created with a count of 3 but is counted down 2 times, so 'Wait' blocks forever [taskleak-waitgroup-mismatch]
  golike::go([&wg] { work(1); wg.Done(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: task counting it down started here
  golike::go([&wg] { work(2); wg.Done(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: task counting it down started here
  wg.Wait();
}
// CHECK-FIXES: {{^}}void fix_add_count() {
// CHECK-FIXES-NEXT: {{^}}  golike::WaitGroup wg;{{$}}
// CHECK-FIXES-NEXT: {{^}}  wg.Add(2);{{$}}

// ===========================================================================
// Never fixed
// ===========================================================================

// Done skipped on a path.
void no_fix_done_skipped() {
  golike::WaitGroup wg;
  wg.Add(1);
  golike::go([&wg] {
    if (failed())
      return;
    wg.Done();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'Done' on wait group 'wg' is not reached on every path through the task, so 'Wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
    // CHECK-MESSAGES: :[[@LINE-3]]:7: note: this path leaves the task without calling 'Done'
  });
  wg.Wait();
}
// CHECK-FIXES: {{^}}void no_fix_done_skipped() {
// CHECK-FIXES-NEXT: {{^}}  golike::WaitGroup wg;{{$}}
// CHECK-FIXES-NEXT: {{^}}  wg.Add(1);{{$}}
// CHECK-FIXES-NEXT: {{^}}  golike::go([&wg] {
// CHECK-FIXES-NEXT: {{^}}    if (failed()){{$}}
// CHECK-FIXES-NEXT: {{^}}      return;{{$}}
// CHECK-FIXES-NEXT: {{^}}    wg.Done();{{$}}

// A wait before the count-down.
void no_fix_wait_first() {
  std::latch l(2);
  std::jthread a([&l] {
    l.wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: task waits on wait group 'l' before counting it down, so the wait can never complete [taskleak-waitgroup-mismatch]
    l.count_down();
  });
  std::jthread b([&l] { l.count_down(); });
}
// CHECK-FIXES: {{^}}void no_fix_wait_first() {
// CHECK-FIXES-NEXT: {{^}}  std::latch l(2);{{$}}
// CHECK-FIXES-NEXT: {{^}}  std::jthread a([&l] {
// CHECK-FIXES-NEXT: {{^}}    l.wait();{{$}}
