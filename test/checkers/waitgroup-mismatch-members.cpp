// RUN: %check_taskleak -model=%S/Inputs/golike.taskleak.yaml %s taskleak-waitgroup-mismatch %t

// Wait groups and latches that are data members (issue 10 §1), owned by a
// class seen whole (as for taskleak-unconsumed-channel-send's members: a
// private member, or protected in a final class; no friend, no nested class,
// every member function defined here). The tasks the class starts are
// checked: an Add inside the task it counts, a count-down some path skips, a
// wait before the task's own count-down. Counts are not compared: the
// class's clients decide how often its member functions run.

#include <golike.h>
#include <latch>
#include <stdexcept>
#include <thread>
#include <vector>

bool failed();
void work();

// ===========================================================================
// Positive cases
// ===========================================================================

// A task started by a member function skips its count-down on failure.
class Loader {
public:
  Loader() : done_(1) {}
  void start() {
    t_ = std::jthread([this] {
      if (failed())
        return;
      done_.count_down();
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'count_down' on wait group 'done_' is not reached on every path through the task, so 'wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
      // CHECK-MESSAGES: :[[@LINE-3]]:9: note: this path leaves the task without calling 'count_down'
    });
  }
  void wait() { done_.wait(); }

private:
  std::latch done_;
  std::jthread t_;
};

// golike (YAML): the Add inside the task races with Wait.
class Fanout {
public:
  void run(int n) {
    for (int i = 0; i < n; ++i)
      golike::go([this] {
        wg_.Add(1);
        // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'Add' on wait group 'wg_' is called inside the task it counts, so it races with 'Wait'; call it before starting the task [taskleak-waitgroup-mismatch]
        work();
        wg_.Done();
      });
    wg_.Wait();
  }

private:
  golike::WaitGroup wg_;
};

// A member function started as a task waits before it counts down.
class Rendezvous {
public:
  Rendezvous() : ready_(2) {}
  void start() {
    a_ = std::thread(&Rendezvous::side, this);
    b_ = std::thread(&Rendezvous::side, this);
  }
  ~Rendezvous() {
    a_.join();
    b_.join();
  }

private:
  void side() {
    ready_.wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: task waits on wait group 'ready_' before counting it down, so the wait can never complete [taskleak-waitgroup-mismatch]
    ready_.count_down();
  }
  std::latch ready_;
  std::thread a_, b_;
};

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: the count-down is on every path.
class GoodLoader {
public:
  GoodLoader() : done_(1) {}
  void start() {
    t_ = std::jthread([this] {
      if (!failed())
        work();
      done_.count_down();
    });
  }
  void wait() { done_.wait(); }

private:
  std::latch done_;
  std::jthread t_;
};

// OK: Add before starting each task.
class GoodFanout {
public:
  void run(int n) {
    for (int i = 0; i < n; ++i) {
      wg_.Add(1);
      golike::go([this] {
        work();
        wg_.Done();
      });
    }
    wg_.Wait();
  }

private:
  golike::WaitGroup wg_;
};

// OK: a public member: code outside the class may count it down.
struct PublicLatch {
  PublicLatch() : done(1) {}
  void start() {
    t = std::jthread([this] {
      if (failed())
        return;
      done.count_down();
    });
  }
  std::latch done;
  std::jthread t;
};

// OK: a member function defined elsewhere may count it down.
class SplitLoader {
public:
  SplitLoader() : done_(1) {}
  void start() {
    t_ = std::jthread([this] {
      if (failed())
        return;
      done_.count_down();
    });
  }
  void fail(); // defined in another file

private:
  std::latch done_;
  std::jthread t_;
};

// OK: arrive_and_wait counts down and waits at once.
class Barrier2 {
public:
  Barrier2() : sync_(2) {}
  void start() {
    a_ = std::jthread([this] { sync_.arrive_and_wait(); });
    b_ = std::jthread([this] { sync_.arrive_and_wait(); });
  }

private:
  std::latch sync_;
  std::jthread a_, b_;
};
