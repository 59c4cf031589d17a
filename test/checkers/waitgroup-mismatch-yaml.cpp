// RUN: %check_taskleak -model=%S/Inputs/golike.taskleak.yaml %s taskleak-waitgroup-mismatch %t
// RUN: %check_taskleak -check-suffix=NOMODEL %s taskleak-waitgroup-mismatch %t

// golike::WaitGroup is a wait group only through golike.taskleak.yaml (add:
// Add, done: Done, wait: Wait; it starts at 0), and golike::go is a spawn only
// through it. The NOMODEL run proves that nothing here is diagnosed without
// the model. Fix-its are covered in waitgroup-mismatch-fix.cpp.

#include <functional>
#include <golike.h>
#include <stdexcept>
#include <thread>
#include <vector>

void work(int id);
bool failed();
int next_item();
void track(golike::WaitGroup &wg);

// A scope guard, Go's `defer`.
template <typename F> struct Defer {
  F f;
  ~Defer() { f(); }
};

// ===========================================================================
// Positive cases
// ===========================================================================

// Add inside the task races with Wait.
void add_inside_task() {
  golike::WaitGroup wg;
  golike::go([&wg] {
    wg.Add(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'Add' on wait group 'wg' is called inside the task it counts, so it races with 'Wait'; call it before starting the task [taskleak-waitgroup-mismatch]
    work(1);
    wg.Done();
  });
  wg.Wait();
}

// The same, in tasks started in a loop.
void add_inside_looped_tasks() {
  golike::WaitGroup wg;
  for (int i = 0; i < 4; ++i) {
    golike::go([&wg, i] {
      wg.Add(1);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'Add' on wait group 'wg' is called inside the task it counts, so it races with 'Wait'; call it before starting the task [taskleak-waitgroup-mismatch]
      work(i);
      wg.Done();
    });
  }
  wg.Wait();
}

// The same, in a task function that gets the group through std::ref, and
// started with std::thread.
void adding_worker(golike::WaitGroup &wg, int id) {
  wg.Add(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'Add' on wait group 'wg' is called inside the task it counts, so it races with 'Wait'; call it before starting the task [taskleak-waitgroup-mismatch]
  work(id);
  wg.Done();
}

void add_inside_task_function() {
  golike::WaitGroup wg;
  std::thread t(adding_worker, std::ref(wg), 1);
  wg.Wait();
  t.join();
}

// An early return skips Done.
void done_skipped_by_return() {
  golike::WaitGroup wg;
  wg.Add(1);
  golike::go([&wg] {
    if (failed())
      return;
    work(1);
    wg.Done();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'Done' on wait group 'wg' is not reached on every path through the task, so 'Wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
    // CHECK-MESSAGES: :[[@LINE-4]]:7: note: this path leaves the task without calling 'Done'
  });
  wg.Wait();
}

// A throw skips Done.
void done_skipped_by_throw() {
  golike::WaitGroup wg;
  wg.Add(1);
  golike::go([&wg] {
    if (next_item() < 0)
      throw std::runtime_error("bad item");
    wg.Done();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'Done' on wait group 'wg' is not reached on every path through the task, so 'Wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
    // CHECK-MESSAGES: :[[@LINE-3]]:7: note: this path leaves the task without calling 'Done'
  });
  wg.Wait();
}

// Done only when the loop finds its item; the break path falls off the end.
void done_skipped_by_break() {
  golike::WaitGroup wg;
  wg.Add(1);
  golike::go([&wg] {
    while (true) {
      int item = next_item();
      if (item < 0)
        break;
      if (item == 0) {
        wg.Done();
        // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'Done' on wait group 'wg' is not reached on every path through the task, so 'Wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
        // CHECK-MESSAGES: :[[@LINE+4]]:3: note: this path leaves the task without calling 'Done'
        return;
      }
    }
  });
  wg.Wait();
}

// Add(3) before the spawns, two tasks.
void add_too_many() {
  golike::WaitGroup wg;
  wg.Add(3);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait group 'wg' is created with a count of 3 but is counted down 2 times, so 'Wait' blocks forever [taskleak-waitgroup-mismatch]
  golike::go([&wg] { work(1); wg.Done(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: task counting it down started here
  golike::go([&wg] { work(2); wg.Done(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: task counting it down started here
  wg.Wait();
}

// Add(2) before a loop of three tasks.
void add_too_few() {
  golike::WaitGroup wg;
  wg.Add(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait group 'wg' is created with a count of 2 but is counted down 3 times, so the count drops below zero [taskleak-waitgroup-mismatch]
  for (int i = 0; i < 3; ++i)
    golike::go([&wg, i] {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
      work(i);
      wg.Done();
    });
  wg.Wait();
}

// A task waits before it calls Done.
void wait_before_done() {
  golike::WaitGroup wg;
  wg.Add(2);
  golike::go([&wg] {
    wg.Wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: task waits on wait group 'wg' before counting it down, so the wait can never complete [taskleak-waitgroup-mismatch]
    wg.Done();
  });
  golike::go([&wg] { wg.Done(); });
  wg.Wait();
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: the Go idiom, Add(1) before each go.
void add_before_each_spawn() {
  golike::WaitGroup wg;
  wg.Add(1);
  golike::go([&wg] { work(1); wg.Done(); });
  wg.Add(1);
  golike::go([&wg] { work(2); wg.Done(); });
  wg.Wait();
}

// OK: Add(1) in the spawning loop.
void add_in_loop() {
  golike::WaitGroup wg;
  for (int i = 0; i < 8; ++i) {
    wg.Add(1);
    golike::go([&wg, i] {
      work(i);
      wg.Done();
    });
  }
  wg.Wait();
}

// OK: Add(N) matches the loop.
void add_matches_loop() {
  golike::WaitGroup wg;
  wg.Add(4);
  for (int i = 0; i < 4; ++i)
    golike::go([&wg, i] { work(i); wg.Done(); });
  wg.Wait();
}

// OK: Add(n) at run time.
void add_runtime(int n) {
  golike::WaitGroup wg;
  wg.Add(n);
  for (int i = 0; i < 3; ++i)
    golike::go([&wg, i] { work(i); wg.Done(); });
  wg.Wait();
}

// OK: Done deferred with a scope guard.
void deferred_done() {
  golike::WaitGroup wg;
  wg.Add(1);
  golike::go([&wg] {
    Defer done{[&wg] { wg.Done(); }};
    if (failed())
      return;
    work(1);
  });
  wg.Wait();
}

// OK: Done on both paths.
void done_on_every_path() {
  golike::WaitGroup wg;
  wg.Add(1);
  golike::go([&wg] {
    if (failed()) {
      wg.Done();
      return;
    }
    work(1);
    wg.Done();
  });
  wg.Wait();
}

// OK: Done, then Wait, in the task.
void done_then_wait() {
  golike::WaitGroup wg;
  wg.Add(2);
  golike::go([&wg] { wg.Done(); wg.Wait(); });
  golike::go([&wg] { wg.Done(); wg.Wait(); });
}

// OK: the group is passed to an unknown function.
void escapes() {
  golike::WaitGroup wg;
  wg.Add(5);
  track(wg);
  golike::go([&wg] { wg.Done(); });
  wg.Wait();
}

// OK: the group is a parameter, not a local.
void parameter_group(golike::WaitGroup &wg) {
  golike::go([&wg] {
    wg.Add(1);
    if (failed())
      return;
    wg.Done();
  });
}

// A member group, its Add inside the task (members were not analysed
// before; waitgroup-mismatch-members.cpp has the rest).
class Server {
public:
  void serve() {
    golike::go([this] {
      inflight_.Add(1);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'Add' on wait group 'inflight_' is called inside the task it counts, so it races with 'Wait'; call it before starting the task [taskleak-waitgroup-mismatch]
      inflight_.Done();
    });
    inflight_.Wait();
  }

private:
  golike::WaitGroup inflight_;
};

// OK (near miss): a type with the same interface that is not configured.
namespace other {
class WaitGroup {
public:
  void Add(int n) { count_ += n; }
  void Done() { --count_; }
  void Wait() {}

private:
  int count_ = 0;
};
} // namespace other

void unconfigured_group() {
  other::WaitGroup wg;
  wg.Add(3);
  golike::go([&wg] {
    wg.Wait();
    if (failed())
      return;
    wg.Done();
  });
  wg.Wait();
}
