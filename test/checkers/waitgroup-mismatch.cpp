// RUN: %check_taskleak %s taskleak-waitgroup-mismatch %t

// Standard-library wait groups: std::latch (count_down, arrive_and_wait;
// wait) and std::barrier (arrive, arrive_and_wait, arrive_and_drop; wait),
// counted down by tasks started with std::thread, std::jthread (also through
// emplace_back on a vector of them) and std::async. Boost, Abseil and
// golike::WaitGroup live in -other.cpp and -yaml.cpp; fix-its in -fix.cpp.

#include <array>
#include <barrier>
#include <functional>
#include <future>
#include <cstdlib>
#include <latch>
#include <stdexcept>
#include <thread>
#include <vector>

void work(int id);
bool failed();
int next_item();
void handle(int item);
void register_latch(std::latch &l);
void external_worker(std::latch &l);

// A scope guard: runs its callable when it goes out of scope.
template <typename F> struct ScopeExit {
  F f;
  ~ScopeExit() { f(); }
};

// ===========================================================================
// Positive cases, count mismatch
// ===========================================================================

// Three expected, two tasks count down once each.
void latch_too_high() {
  std::latch done(3);
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: wait group 'done' is created with a count of 3 but is counted down 2 times, so 'wait' blocks forever [taskleak-waitgroup-mismatch]
  std::thread a([&done] { work(1); done.count_down(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:15: note: task counting it down started here
  std::thread b([&done] { work(2); done.count_down(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:15: note: task counting it down started here
  done.wait();
  a.join();
  b.join();
}

// A spawn in a loop with literal bounds is 4 tasks.
void latch_too_low() {
  std::latch ready(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: wait group 'ready' is created with a count of 2 but is counted down 4 times, so the count drops below zero [taskleak-waitgroup-mismatch]
  std::vector<std::jthread> workers;
  for (int i = 0; i < 4; ++i)
    workers.emplace_back([&ready, i] { work(i); ready.count_down(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
  ready.wait();
}

// count_down(2) counts 2.
void latch_count_down_by_two() {
  std::latch l(3);
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: wait group 'l' is created with a count of 3 but is counted down 4 times, so the count drops below zero [taskleak-waitgroup-mismatch]
  std::jthread a([&l] { l.count_down(2); });
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: task counting it down started here
  std::jthread b([&l] { l.count_down(2); });
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: task counting it down started here
  l.wait();
}

// The function itself also arrives: 2 tasks + 1 = 3 decrements.
void barrier_main_arrives_too() {
  std::barrier sync(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: wait group 'sync' is created with a count of 2 but is counted down 3 times, so the count drops below zero [taskleak-waitgroup-mismatch]
  std::jthread a([&sync] { work(1); sync.arrive_and_wait(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: task counting it down started here
  std::jthread b([&sync] { work(2); sync.arrive_and_wait(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: task counting it down started here
  sync.arrive_and_wait();
}

// A range-for over a C array of 3.
void per_shard() {
  int shards[3] = {1, 2, 3};
  std::latch loaded(4);
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: wait group 'loaded' is created with a count of 4 but is counted down 3 times, so 'wait' blocks forever [taskleak-waitgroup-mismatch]
  std::vector<std::thread> threads;
  for (int &s : shards)
    threads.emplace_back([&loaded, &s] { work(s); loaded.count_down(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
  loaded.wait();
  for (std::thread &t : threads)
    t.join();
}

// A range-for over a std::array of 5; std::thread temporaries, detached.
void per_replica() {
  std::array<int, 5> replicas = {1, 2, 3, 4, 5};
  std::latch synced(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: wait group 'synced' is created with a count of 2 but is counted down 5 times, so the count drops below zero [taskleak-waitgroup-mismatch]
  for (auto &r : replicas)
    std::thread([&synced, &r] { work(r); synced.count_down(); }).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
  synced.wait();
}

// A task function that gets the latch through std::ref.
void count_worker(std::latch &l) {
  work(0);
  l.count_down();
}

void by_std_ref() {
  std::latch l(3);
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: wait group 'l' is created with a count of 3 but is counted down 2 times, so 'wait' blocks forever [taskleak-waitgroup-mismatch]
  std::thread a(count_worker, std::ref(l));
  // CHECK-MESSAGES: :[[@LINE-1]]:15: note: task counting it down started here
  std::thread b(count_worker, std::ref(l));
  // CHECK-MESSAGES: :[[@LINE-1]]:15: note: task counting it down started here
  l.wait();
  a.join();
  b.join();
}

// A task function that gets the latch's address.
void pointer_worker(std::latch *l) {
  work(0);
  l->count_down();
}

void by_address() {
  std::latch gate(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: wait group 'gate' is created with a count of 1 but is counted down 2 times, so the count drops below zero [taskleak-waitgroup-mismatch]
  std::jthread a(pointer_worker, &gate);
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: task counting it down started here
  std::jthread b(pointer_worker, &gate);
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: task counting it down started here
  gate.wait();
}

// std::async.
void async_tasks() {
  std::latch l(3);
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: wait group 'l' is created with a count of 3 but is counted down 2 times, so 'wait' blocks forever [taskleak-waitgroup-mismatch]
  auto f1 = std::async(std::launch::async, [&l] { l.count_down(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:13: note: task counting it down started here
  auto f2 = std::async(std::launch::async, [&l] { l.count_down(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:13: note: task counting it down started here
  l.wait();
}

// ===========================================================================
// Positive cases, a count-down not reached on every path
// ===========================================================================

// An early return skips the count-down.
void early_return(bool cached) {
  std::latch done(1);
  std::jthread t([&done, cached] {
    if (cached)
      return;
    work(1);
    done.count_down();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'count_down' on wait group 'done' is not reached on every path through the task, so 'wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
    // CHECK-MESSAGES: :[[@LINE-4]]:7: note: this path leaves the task without calling 'count_down'
  });
  done.wait();
}

// A throw skips it.
void throw_skips() {
  std::latch done(2);
  std::jthread a([&done] {
    if (failed())
      throw std::runtime_error("failed");
    done.count_down();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'count_down' on wait group 'done' is not reached on every path through the task, so 'wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
    // CHECK-MESSAGES: :[[@LINE-3]]:7: note: this path leaves the task without calling 'count_down'
  });
  std::jthread b([&done] { done.count_down(); });
  done.wait();
}

// A break out of the task's loop skips it: the task falls off its end.
void break_skips() {
  std::latch done(1);
  std::jthread t([&done] {
    for (;;) {
      int item = next_item();
      if (item < 0)
        break;
      if (item == 0) {
        done.count_down();
        // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'count_down' on wait group 'done' is not reached on every path through the task, so 'wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
        // CHECK-MESSAGES: :[[@LINE+5]]:3: note: this path leaves the task without calling 'count_down'
        return;
      }
      handle(item);
    }
  });
  done.wait();
}

// The count-down only in one branch; the other falls off the end.
void conditional_count_down() {
  std::latch done(1);
  std::jthread t([&done] {
    if (!failed()) {
      work(1);
      done.count_down();
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'count_down' on wait group 'done' is not reached on every path through the task, so 'wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
      // CHECK-MESSAGES: :[[@LINE+2]]:3: note: this path leaves the task without calling 'count_down'
    }
  });
  done.wait();
}

// A barrier's arrive_and_wait after an early return; the function arrives
// too (2 = 1 task + 1).
void barrier_early_return() {
  std::barrier sync(2);
  std::jthread t([&sync] {
    if (failed())
      return;
    sync.arrive_and_wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'arrive_and_wait' on wait group 'sync' is not reached on every path through the task, so 'wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
    // CHECK-MESSAGES: :[[@LINE-3]]:7: note: this path leaves the task without calling 'arrive_and_wait'
  });
  sync.arrive_and_wait();
}

// A task function, through std::ref.
void guarded_worker(std::latch &l, int id) {
  if (id < 0)
    return;
  work(id);
  l.count_down();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'count_down' on wait group 'l' is not reached on every path through the task, so 'wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
  // CHECK-MESSAGES: :[[@LINE-4]]:5: note: this path leaves the task without calling 'count_down'
}

void start_guarded_worker(int id) {
  std::latch l(1);
  std::thread t(guarded_worker, std::ref(l), id);
  l.wait();
  t.join();
}

// ===========================================================================
// Positive cases, a task waits before it counts down
// ===========================================================================

void waits_first() {
  std::latch l(2);
  std::jthread a([&l] {
    l.wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: task waits on wait group 'l' before counting it down, so the wait can never complete [taskleak-waitgroup-mismatch]
    l.count_down();
  });
  std::jthread b([&l] { l.count_down(); });
}

void waits_first_then_arrives() {
  std::latch phase(2);
  std::jthread a([&phase] {
    work(1);
    phase.wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: task waits on wait group 'phase' before counting it down, so the wait can never complete [taskleak-waitgroup-mismatch]
    phase.arrive_and_wait();
  });
  std::jthread b([&phase] { phase.arrive_and_wait(); });
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: the count matches.
void latch_matches() {
  std::latch done(2);
  std::thread a([&done] { work(1); done.count_down(); });
  std::thread b([&done] { work(2); done.count_down(); });
  done.wait();
  a.join();
  b.join();
}

// OK: matches, with a spawn loop and count_down(2).
void latch_matches_loop() {
  std::latch done(6);
  std::vector<std::jthread> workers;
  for (int i = 0; i < 3; ++i)
    workers.emplace_back([&done, i] {
      work(i);
      done.count_down(2);
    });
  done.wait();
}

// OK: the count is computed at run time.
void runtime_count(int n) {
  std::latch done(n);
  std::vector<std::jthread> workers;
  for (int i = 0; i < 3; ++i)
    workers.emplace_back([&done, i] { work(i); done.count_down(); });
  done.wait();
}

// OK: the number of tasks is only known at run time.
void runtime_task_count(int n) {
  std::latch done(4);
  std::vector<std::jthread> workers;
  for (int i = 0; i < n; ++i)
    workers.emplace_back([&done, i] { work(i); done.count_down(); });
  done.wait();
}

// OK: count_down then wait is arrive_and_wait.
void count_down_then_wait() {
  std::latch l(2);
  std::jthread a([&l] { l.count_down(); l.wait(); });
  std::jthread b([&l] { l.count_down(); l.wait(); });
}

// OK: arrive_and_wait in every task, the count matches.
void barrier_matches() {
  std::barrier sync(3);
  std::jthread a([&sync] { sync.arrive_and_wait(); });
  std::jthread b([&sync] { sync.arrive_and_wait(); });
  std::jthread c([&sync] { sync.arrive_and_wait(); });
}

// OK: arrive_and_drop in a task, arrive_and_wait in the function.
void barrier_drop() {
  std::barrier sync(2);
  std::jthread a([&sync] { work(1); sync.arrive_and_drop(); });
  sync.arrive_and_wait();
}

// OK: arrive, then wait on the token: counts down before it waits.
void barrier_arrive_then_wait() {
  std::barrier sync(2);
  std::jthread a([&sync] {
    auto token = sync.arrive();
    work(1);
    sync.wait(std::move(token));
  });
  sync.arrive_and_wait();
}

// OK (hard case): rounds of a barrier; the loop always runs its first round,
// so arrive_and_wait is reached on every path, and a decrement in a loop
// gives no count diagnostic.
void barrier_rounds() {
  std::barrier sync(2);
  std::jthread a([&sync] {
    for (int round = 0; round < 3; ++round) {
      work(round);
      sync.arrive_and_wait();
    }
  });
  std::jthread b([&sync] {
    for (int round = 0; round < 3; ++round) {
      work(round);
      sync.arrive_and_wait();
    }
  });
}

// OK: the count-down is in a scope guard, so it runs on every way out.
void scope_guard(bool cached) {
  std::latch done(1);
  std::jthread t([&done, cached] {
    ScopeExit guard{[&done] { done.count_down(); }};
    if (cached)
      return;
    work(1);
  });
  done.wait();
}

// OK: both branches count down (a decrement in a conditional: no count
// diagnostic either, though a naive count would say 3).
void both_branches() {
  std::latch done(2);
  std::jthread t([&done] {
    if (failed()) {
      done.count_down(2);
    } else {
      done.count_down();
      done.count_down();
    }
  });
  done.wait();
}

// OK: a decrement in a loop in the function itself (1 + 2 = 3).
void function_counts_in_loop() {
  std::latch done(3);
  std::jthread t([&done] { done.count_down(); });
  for (int i = 0; i < 2; ++i)
    done.count_down();
  done.wait();
}

// OK: the latch is passed to an unknown function.
void passed_to_unknown() {
  std::latch done(5);
  register_latch(done);
  std::jthread t([&done] { done.count_down(); });
  done.wait();
}

// OK: the task body is not visible.
void invisible_task() {
  std::latch done(3);
  std::thread t(external_worker, std::ref(done));
  done.wait();
  t.join();
}

// OK: a start gate: the tasks wait on 'start' (which only the function counts
// down) before they count down 'done'.
void start_gate() {
  std::latch start(1);
  std::latch done(2);
  std::jthread a([&] {
    start.wait();
    work(1);
    done.count_down();
  });
  std::jthread b([&] {
    start.wait();
    work(2);
    done.count_down();
  });
  start.count_down();
  done.wait();
}

// OK: std::async tasks, matching count.
void async_matches() {
  std::latch l(2);
  auto f1 = std::async(std::launch::async, [&l] { l.count_down(); });
  auto f2 = std::async(std::launch::async, [&l] { l.count_down(); });
  l.wait();
}

// OK: the latch is a global, not a local.
std::latch g_ready(5);

void global_latch() {
  std::jthread t([] { g_ready.count_down(); });
}

// OK: the latch is a parameter, not a local.
void parameter_latch(std::latch &l) {
  std::jthread t([&l] {
    if (failed())
      return;
    l.count_down();
  });
}

// OK (near miss): a type with the same interface that is not a wait group.
namespace my {
class latch {
public:
  explicit latch(int count) : count_(count) {}
  void count_down(int n = 1) { count_ -= n; }
  void wait() {}

private:
  int count_;
};
} // namespace my

void unmodelled_latch() {
  my::latch done(3);
  std::jthread t([&done] {
    done.wait();
    if (failed())
      return;
    done.count_down();
  });
}

// OK: a barrier counts participants per phase; two tasks arriving twice each
// (two phases) match a count of 2.
void barrier_two_phases() {
  std::barrier sync(2);
  std::jthread a([&sync] {
    work(1);
    sync.arrive_and_wait();
    work(2);
    sync.arrive_and_wait();
  });
  std::jthread b([&sync] {
    work(3);
    sync.arrive_and_wait();
    work(4);
    sync.arrive_and_wait();
  });
}

// OK: a fresh latch each round; the loop around its scope does not multiply
// the tasks that count it down.
void latch_per_round() {
  for (int round = 0; round < 100; ++round) {
    std::latch done(2);
    std::thread a([&done] { done.count_down(); });
    std::thread b([&done] { done.count_down(); });
    done.wait();
    a.join();
    b.join();
  }
}

// OK: the only path that skips the count-down ends the process.
void fatal_path_skips(bool bad) {
  std::latch l(1);
  std::thread t([&l, bad] {
    if (bad)
      std::abort();
    l.count_down();
  });
  l.wait();
  t.join();
}
