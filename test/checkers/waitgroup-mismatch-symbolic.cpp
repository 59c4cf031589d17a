// RUN: %check_taskleak -model=%S/Inputs/golike.taskleak.yaml %s taskleak-waitgroup-mismatch %t

// Symbolic counts (a latch of `workers.size()` against a task per element,
// golike::WaitGroup::Add(n) against n tasks) and adds per round of a loop
// (golike: Add(1) and two tasks in the same round). std::latch,
// boost::latch and golike::WaitGroup (modelled in golike.taskleak.yaml).

#include <boost/thread/latch.hpp>
#include <golike.h>

#include <cstddef>
#include <latch>
#include <thread>
#include <vector>

void work(int id);
bool failed();

// ===========================================================================
// Positive cases: symbolic counts
// ===========================================================================

// One task per element, a count of one less.
void latch_size_minus_one(const std::vector<int> &workers) {
  std::latch done(workers.size() - 1);
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: wait group 'done' is created with a count of workers.size() - 1 but is counted down workers.size() times, so the count drops below zero [taskleak-waitgroup-mismatch]
  std::vector<std::jthread> threads;
  for (int w : workers)
    threads.emplace_back([&done, w] { work(w); done.count_down(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
  done.wait();
}

// A count of one more than the tasks.
void latch_size_plus_one(const std::vector<int> &workers) {
  std::latch done(workers.size() + 1);
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: wait group 'done' is created with a count of workers.size() + 1 but is counted down workers.size() times, so 'wait' blocks forever [taskleak-waitgroup-mismatch]
  std::vector<std::jthread> threads;
  for (std::size_t i = 0; i < workers.size(); ++i)
    threads.emplace_back([&done, i] { work(i); done.count_down(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
  done.wait();
}

// n tasks, n + 1 expected (Boost).
void boost_latch_n(int n) {
  boost::latch done(n + 1);
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: wait group 'done' is created with a count of n + 1 but is counted down n times, so 'wait' blocks forever [taskleak-waitgroup-mismatch]
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&done, i] { work(i); done.count_down(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
  done.wait();
  for (std::thread &t : threads)
    t.join();
}

// golike: Add(len) once, one task fewer (the loop starts at 1).
void golike_add_size(const std::vector<int> &items) {
  golike::WaitGroup wg;
  wg.Add(items.size());
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait group 'wg' is created with a count of items.size() but is counted down items.size() - 1 times, so 'Wait' blocks forever [taskleak-waitgroup-mismatch]
  for (std::size_t i = 1; i < items.size(); ++i)
    golike::go([&wg, i] { work(i); wg.Done(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
  wg.Wait();
}

// The owner counts down too: one more than the count.
void latch_owner_also_counts(const std::vector<int> &workers) {
  std::latch done(workers.size());
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: wait group 'done' is created with a count of workers.size() but is counted down workers.size() + 1 times, so the count drops below zero [taskleak-waitgroup-mismatch]
  std::vector<std::jthread> threads;
  for (int w : workers)
    threads.emplace_back([&done, w] { work(w); done.count_down(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
  done.count_down();
  done.wait();
}

// ===========================================================================
// Positive cases: adds per round
// ===========================================================================

// Two tasks a round, one Add(1).
void golike_two_tasks_one_add(const std::vector<int> &items) {
  golike::WaitGroup wg;
  for (int x : items) {
    wg.Add(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'Add' adds 1 to wait group 'wg' in each round of the loop, but the tasks started in that round count it down 2 times, so the count drops below zero [taskleak-waitgroup-mismatch]
    golike::go([&wg, x] { work(x); wg.Done(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
    golike::go([&wg, x] { work(-x); wg.Done(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
  }
  wg.Wait();
}

// Add(2) with one task a round.
void golike_add_two_one_task(int n) {
  golike::WaitGroup wg;
  for (int i = 0; i < n; ++i) {
    wg.Add(2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'Add' adds 2 to wait group 'wg' in each round of the loop, but the tasks started in that round count it down 1 time, so 'Wait' blocks forever [taskleak-waitgroup-mismatch]
    golike::go([&wg, i] { work(i); wg.Done(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
  }
  wg.Wait();
}

// A while loop of rounds; std::thread tasks.
void golike_while_rounds() {
  golike::WaitGroup wg;
  std::vector<std::thread> threads;
  while (!failed()) {
    wg.Add(3);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'Add' adds 3 to wait group 'wg' in each round of the loop, but the tasks started in that round count it down 2 times, so 'Wait' blocks forever [taskleak-waitgroup-mismatch]
    threads.emplace_back([&wg] { work(1); wg.Done(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
    threads.emplace_back([&wg] { work(2); wg.Done(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
  }
  wg.Wait();
  for (std::thread &t : threads)
    t.join();
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: a latch of workers.size(), one task per worker.
void latch_one_per_worker(const std::vector<int> &workers) {
  std::latch done(workers.size());
  std::vector<std::jthread> threads;
  for (int w : workers)
    threads.emplace_back([&done, w] { work(w); done.count_down(); });
  done.wait();
}

// OK: a counted loop to the same size.
void latch_counted_loop(const std::vector<int> &workers) {
  std::latch done(workers.size());
  std::vector<std::jthread> threads;
  for (std::size_t i = 0; i < workers.size(); ++i)
    threads.emplace_back([&done, i] { work(i); done.count_down(); });
  done.wait();
}

// OK: n + 1, the owner counts down once.
void boost_latch_n_and_owner(int n) {
  boost::latch done(n + 1);
  std::vector<std::jthread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&done, i] { work(i); done.count_down(); });
  done.count_down();
  done.wait();
}

// OK: golike Add(len) and one task per element.
void golike_add_len(const std::vector<int> &items) {
  golike::WaitGroup wg;
  wg.Add(items.size());
  for (int x : items)
    golike::go([&wg, x] { work(x); wg.Done(); });
  wg.Wait();
}

// OK (cannot tell): the container grows after the count is taken.
void latch_container_grows(std::vector<int> workers) {
  std::latch done(workers.size() - 1);
  workers.push_back(0);
  std::vector<std::jthread> threads;
  for (int w : workers)
    threads.emplace_back([&done, w] { work(w); done.count_down(); });
  done.wait();
}

// OK (cannot tell): different variables.
void latch_other_variable(const std::vector<int> &workers, int m) {
  std::latch done(workers.size());
  std::vector<std::jthread> threads;
  for (int i = 0; i < m; ++i)
    threads.emplace_back([&done, i] { work(i); done.count_down(); });
  done.wait();
}

// OK (cannot tell): 2 * n against n differ only when n is not zero... and
// they do differ then, but a multiple is not certain enough to report.
void latch_double(int n) {
  std::latch done(2 * n);
  std::vector<std::jthread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&done, i] { work(i); done.count_down(); });
  done.wait();
}

// OK: Add(1) and one task per round.
void golike_one_add_one_task(const std::vector<int> &items) {
  golike::WaitGroup wg;
  for (int x : items) {
    wg.Add(1);
    golike::go([&wg, x] { work(x); wg.Done(); });
  }
  wg.Wait();
}

// OK: Add(2) and two tasks per round.
void golike_add_two_two_tasks(int n) {
  golike::WaitGroup wg;
  for (int i = 0; i < n; ++i) {
    wg.Add(2);
    golike::go([&wg, i] { work(i); wg.Done(); });
    golike::go([&wg, i] { work(-i); wg.Done(); });
  }
  wg.Wait();
}

// OK (cannot tell): the second task is started only in some rounds.
void golike_conditional_task(int n) {
  golike::WaitGroup wg;
  for (int i = 0; i < n; ++i) {
    wg.Add(1);
    golike::go([&wg, i] { work(i); wg.Done(); });
    if (failed())
      golike::go([&wg, i] { work(-i); wg.Done(); });
  }
  wg.Wait();
}

// OK: a round that stops early skips both the add and the task.
void golike_conditional_add(int n) {
  golike::WaitGroup wg;
  for (int i = 0; i < n; ++i) {
    if (failed())
      continue;
    wg.Add(1);
    golike::go([&wg, i] { work(i); wg.Done(); });
  }
  wg.Wait();
}

// OK: a task counts down twice, Add(2).
void golike_task_counts_twice(int n) {
  golike::WaitGroup wg;
  for (int i = 0; i < n; ++i) {
    wg.Add(2);
    golike::go([&wg, i] { work(i); wg.Done(); work(-i); wg.Done(); });
  }
  wg.Wait();
}

// FIXME: should warn: the size is copied into a non-const variable.
void latch_copied_size(const std::vector<int> &workers) {
  std::size_t n = workers.size();
  std::latch done(n - 1);
  std::vector<std::jthread> threads;
  for (int w : workers)
    threads.emplace_back([&done, w] { work(w); done.count_down(); });
  done.wait();
}
