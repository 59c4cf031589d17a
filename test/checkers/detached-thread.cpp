// RUN: %check_taskleak %s taskleak-detached-thread %t

// detach() of a thread whose task runs until it is asked to stop (or
// forever): (a) in a retry/reconnect/accept loop, one more unjoinable thread
// per round; (b) with 'this' or a local of the spawner used by reference,
// so that the thread can outlive them.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <stop_token>
#include <thread>
#include <vector>

#include <boost/thread.hpp>

void work();
void poll_device();
bool connect_once();
int accept_client();
void serve(int fd);
bool read_frame(int fd);
void flush_logs();

std::atomic<bool> g_running{true};

// ===========================================================================
// Positive cases: (a) a loop that starts one more long-lived thread per round
// ===========================================================================

// A reconnect loop: every failed attempt leaves a poller that never ends.
void reconnect_loop() {
  while (!connect_once()) {
    std::thread([] {
      for (;;)
        poll_device();
    }).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: detached thread never ends and is started again on every round of the enclosing loop, so threads that nobody can join pile up [taskleak-detached-thread]
    // CHECK-MESSAGES: :[[@LINE-5]]:5: note: thread started here
    // CHECK-MESSAGES: :[[@LINE-7]]:3: note: this loop starts one more thread each round
    // CHECK-MESSAGES: :[[@LINE-6]]:7: note: the task's loop never ends
  }
}

// An accept loop whose handlers run until a global flag is cleared; a
// named thread.
void accept_loop() {
  for (;;) {
    int fd = accept_client();
    std::thread t([fd] {
      while (g_running)
        serve(fd);
    });
    t.detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: detached thread runs until it is asked to stop and is started again on every round of the enclosing loop, so threads that nobody can join pile up [taskleak-detached-thread]
    // CHECK-MESSAGES: :[[@LINE-6]]:17: note: thread started here
    // CHECK-MESSAGES: :[[@LINE-9]]:3: note: this loop starts one more thread each round
    // CHECK-MESSAGES: :[[@LINE-7]]:7: note: the task's loop ends only on a stop request
  }
}

// boost::thread, a task function that only returns on a stop flag.
void keepalive() {
  for (;;) {
    if (g_running.load())
      poll_device();
    else
      return;
  }
}

void retry_with_boost(int attempts) {
  do {
    boost::thread t(keepalive);
    t.detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: detached thread runs until it is asked to stop and is started again on every round of the enclosing loop, so threads that nobody can join pile up [taskleak-detached-thread]
    // CHECK-MESSAGES: :[[@LINE-3]]:19: note: thread started here
    // CHECK-MESSAGES: :[[@LINE-5]]:3: note: this loop starts one more thread each round
    // CHECK-MESSAGES: :[[@LINE-15]]:3: note: the task's loop ends only on a stop request
  } while (--attempts > 0 && !connect_once());
}

// ===========================================================================
// Positive cases: (b) the task uses 'this' or a local by reference
// ===========================================================================

class Poller {
public:
  void start() {
    std::thread([this] {
      while (running_)
        poll_device();
    }).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: detached thread runs until it is asked to stop and uses 'this'; nothing waits for it, so it can run on after the object is destroyed [taskleak-detached-thread]
    // CHECK-MESSAGES: :[[@LINE-5]]:5: note: thread started here
    // CHECK-MESSAGES: :[[@LINE-6]]:18: note: 'this' captured here
    // CHECK-MESSAGES: :[[@LINE-6]]:7: note: the task's loop ends only on a stop request
  }
  void stop() { running_ = false; }

private:
  std::atomic<bool> running_{true};
};

// A member function bound to 'this', a member thread, a getter.
class Monitor {
public:
  void start() {
    worker_ = std::thread(&Monitor::run, this);
    worker_.detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: detached thread runs until it is asked to stop and uses 'this'; nothing waits for it, so it can run on after the object is destroyed [taskleak-detached-thread]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: thread started here
    // CHECK-MESSAGES: :[[@LINE-4]]:42: note: 'this' passed here
    // CHECK-MESSAGES: :[[@LINE+7]]:5: note: the task's loop ends only on a stop request
  }
  void stop() { stopping_ = true; }

private:
  bool stopping() const { return stopping_; }
  void run() {
    while (!stopping())
      poll_device();
  }
  std::atomic<bool> stopping_{false};
  std::thread worker_;
};

// A local flag of the spawner, captured by reference.
void local_flag() {
  std::atomic<bool> stop{false};
  std::thread t([&stop] {
    while (!stop)
      work();
  });
  t.detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: detached thread runs until it is asked to stop and uses local 'stop' by reference; nothing waits for it, so it can run on after 'stop' is destroyed [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-6]]:15: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-7]]:19: note: 'stop' captured by reference here
  // CHECK-MESSAGES: :[[@LINE-7]]:5: note: the task's loop ends only on a stop request
  work();
  stop = true;
}

// A constant-true loop whose only way out is a stop test; std::jthread
// detached (its destructor no longer requests a stop).
class Reporter {
public:
  void start() {
    std::jthread([this](std::stop_token st) {
      while (true) {
        if (st.stop_requested())
          return;
        report();
      }
    }).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: detached thread runs until it is asked to stop and uses 'this'; nothing waits for it, so it can run on after the object is destroyed [taskleak-detached-thread]
    // CHECK-MESSAGES: :[[@LINE-8]]:5: note: thread started here
    // CHECK-MESSAGES: :[[@LINE-9]]:19: note: 'this' captured here
    // CHECK-MESSAGES: :[[@LINE-9]]:7: note: the task's loop ends only on a stop request
  }

private:
  void report() {}
};

// ===========================================================================
// Negative cases
// ===========================================================================

// A finite task: a log flush.
void flush_in_background() { std::thread(flush_logs).detach(); }

// A finite task in an open-ended loop.
void finite_in_loop() {
  while (!connect_once())
    std::thread([] { work(); }).detach();
}

// A bounded loop in the task.
void bounded_task_loop() {
  std::thread([] {
    for (int i = 0; i < 10; ++i)
      work();
  }).detach();
}

// A constant small trip count spawning finite workers.
void fixed_workers() {
  for (int i = 0; i < 4; ++i)
    std::thread(work).detach();
}

// A pool made once with a counting loop: not a retry loop, and the workers
// use nothing of the spawner by reference, but they never end and each detach
// gives up the last handle on one (issue 9; a negative case before (c)).
void pool(int n) {
  for (int i = 0; i < n; ++i)
    std::thread([] {
      for (;;)
        poll_device();
    }).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
    // CHECK-MESSAGES: :[[@LINE-5]]:5: note: thread started here
    // CHECK-MESSAGES: :[[@LINE-5]]:7: note: the task's loop never ends
}

// Thread per connection: the handler ends when the peer goes away.
void thread_per_connection() {
  for (;;) {
    int fd = accept_client();
    std::thread([fd] {
      while (read_frame(fd))
        serve(fd);
    }).detach();
  }
}

// A handler loop with a way out that is not a stop request.
void handler_with_break() {
  for (;;) {
    int fd = accept_client();
    std::thread([fd] {
      for (;;) {
        if (!read_frame(fd))
          break;
        serve(fd);
      }
    }).detach();
  }
}

// The loop ends on a stop flag or when the queue drains (&&): not only on a
// stop request.
struct Drainer {
  std::atomic<bool> running{true};
  int pending = 0;
  void start() {
    std::thread([this] {
      while (running && pending > 0)
        work();
    }).detach();
  }
};

// Captures only by value and owns its state through a shared_ptr.
struct Session : std::enable_shared_from_this<Session> {
  std::atomic<bool> open{true};
  void start() {
    auto self = shared_from_this();
    std::thread([this, self] {
      while (open)
        work();
    }).detach();
  }
};

// Long-running, but uses nothing of the spawner by reference (a global
// flag), and not in a loop.
void global_flag_worker() {
  std::thread([] {
    while (g_running)
      poll_device();
  }).detach();
}

// A local captured by reference, but the task is finite.
void local_finite() {
  int value = 0;
  std::thread t([&value] { value = 1; });
  t.detach();
}

// A by-reference capture of a reference: it refers to what it is bound to,
// not to a local of the spawner.
void reference_param(std::atomic<bool> &stop) {
  std::thread t([&stop] {
    while (!stop)
      work();
  });
  t.detach();
}

// Joined, not detached.
class Joined {
public:
  void start() {
    worker_ = std::thread([this] {
      while (running_)
        poll_device();
    });
  }
  void stop() {
    running_ = false;
    worker_.join();
  }

private:
  std::atomic<bool> running_{true};
  std::thread worker_;
};

// A std::jthread that is not detached: its destructor stops and joins it.
void jthread_kept() {
  std::jthread t([](std::stop_token st) {
    while (!st.stop_requested())
      work();
  });
}

// A local loop counter in the condition: not a stop flag.
void counter_condition() {
  std::thread([] {
    int left = 100;
    while (left > 0)
      --left;
  }).detach();
}

// Issue 9 (lifetime): a detach that gives up the last handle on a task that
// never ends, outside any loop of the spawner (FIXME cases until (c); more in
// detached-thread-last-handle.cpp).
#include <cassert>
#include <cstdlib>

void fixme_detach_endless_task() {
  std::thread t([] {
    for (;;)
      poll_device();
  });
  t.detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-6]]:15: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-6]]:5: note: the task's loop never ends
}

void fixme_detach_endless_task_with_assert() {
  std::thread t([] {
    while (true) {
      poll_device();
      assert(connect_once()); // the failure branch ends the process
    }
  });
  t.detach(); // assert's failure branch is no way out
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-8]]:15: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-8]]:5: note: the task's loop never ends
}

void fixme_detach_endless_task_with_abort() {
  std::thread t([] {
    while (true) {
      if (!connect_once())
        std::abort(); // ends the process, not the loop
      poll_device();
    }
  });
  t.detach(); // abort is no way out
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-9]]:15: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-9]]:5: note: the task's loop never ends
}

// Hard negative: a one-shot task owning its state stays silent.
void detach_one_shot_owning_task() {
  auto state = std::make_shared<int>(0);
  std::thread t([state] { *state = 1; work(); });
  t.detach();
}
