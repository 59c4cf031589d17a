// RUN: %check_taskleak %s taskleak-detached-thread %t
// RUN: %check_taskleak %s taskleak-detached-thread %t.all -check-suffix=ALL -check-options='taskleak-detached-thread.ReportEveryLongRunning: true'

// (c) A detach that gives up the last handle on a task that never ends: an
// endless loop with no way out (a process exit is none), or a loop that
// only a stop request ends when that request can only come from the detached
// thread object (a std::jthread's own stop source) or from a local of the
// spawner that dies with it. Silent on one-shot tasks and on long-running
// ones whose stop handle outlives the spawner (a member flag that stop()
// sets, a global, a source the owner keeps), except with
// ReportEveryLongRunning (the ALL run expects every (c) finding below, plus
// one for each outliving handle).

#include <atomic>
#include <cassert>
#include <cstdlib>
#include <memory>
#include <stop_token>
#include <thread>
#include <vector>

#include <boost/thread.hpp>

void work();
void poll_device();
bool connect_once();
void send_heartbeat();
void flush_logs();

std::atomic<bool> g_running{true};

[[noreturn]] void crash(const char *why) {
  (void)why;
  std::abort();
}

// ===========================================================================
// Positive cases
// ===========================================================================

// An endless function as the task, started from an init function.
void heartbeat_main() {
  while (1)
    send_heartbeat();
}
void start_heartbeat() {
  std::thread(heartbeat_main).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:31: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-2]]:3: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-7]]:3: note: the task's loop never ends
  // CHECK-MESSAGES-ALL: :[[@LINE-4]]:31: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES-ALL: :[[@LINE-5]]:3: note: thread started here
  // CHECK-MESSAGES-ALL: :[[@LINE-10]]:3: note: the task's loop never ends
}

// Hard case: the loop's only exit is a helper that aborts.
void start_watchdog() {
  std::thread t([] {
    for (;;) {
      if (!connect_once())
        crash("lost the device");
      poll_device();
    }
  });
  t.detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-9]]:15: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-9]]:5: note: the task's loop never ends
  // CHECK-MESSAGES-ALL: :[[@LINE-4]]:5: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES-ALL: :[[@LINE-12]]:15: note: thread started here
  // CHECK-MESSAGES-ALL: :[[@LINE-12]]:5: note: the task's loop never ends
}

// Hard case: a std::jthread's stop token, but the jthread is a temporary:
// once detached, its stop source is gone with it.
void start_jthread_temporary() {
  std::jthread([](std::stop_token st) {
    while (!st.stop_requested())
      work();
  }).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: detached thread runs until it is asked to stop, but the detach gives up the last handle that can ask it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-5]]:3: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-5]]:5: note: the task's loop ends only on a stop request
  // CHECK-MESSAGES: :[[@LINE-7]]:3: note: its stop request can only come from the thread object, which the detach gives up
  // CHECK-MESSAGES-ALL: :[[@LINE-5]]:6: warning: detached thread runs until it is asked to stop, but the detach gives up the last handle that can ask it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES-ALL: :[[@LINE-9]]:3: note: thread started here
  // CHECK-MESSAGES-ALL: :[[@LINE-9]]:5: note: the task's loop ends only on a stop request
  // CHECK-MESSAGES-ALL: :[[@LINE-11]]:3: note: its stop request can only come from the thread object, which the detach gives up
}

// The same token taken by const reference.
void start_jthread_cref() {
  std::jthread([](const std::stop_token &st) {
    while (!st.stop_requested())
      work();
  }).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: detached thread runs until it is asked to stop, but the detach gives up the last handle that can ask it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-5]]:3: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-5]]:5: note: the task's loop ends only on a stop request
  // CHECK-MESSAGES: :[[@LINE-7]]:3: note: its stop request can only come from the thread object, which the detach gives up
  // CHECK-MESSAGES-ALL: :[[@LINE-5]]:6: warning: detached thread runs until it is asked to stop, but the detach gives up the last handle that can ask it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES-ALL: :[[@LINE-9]]:3: note: thread started here
  // CHECK-MESSAGES-ALL: :[[@LINE-9]]:5: note: the task's loop ends only on a stop request
  // CHECK-MESSAGES-ALL: :[[@LINE-11]]:3: note: its stop request can only come from the thread object, which the detach gives up
}

// A local std::jthread, detached and never asked to stop.
void start_jthread_local() {
  std::jthread t([](std::stop_token st) {
    for (;;) {
      if (st.stop_requested())
        return;
      poll_device();
    }
  });
  t.detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: detached thread runs until it is asked to stop, but the detach gives up the last handle that can ask it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-9]]:16: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-9]]:5: note: the task's loop ends only on a stop request
  // CHECK-MESSAGES: :[[@LINE-11]]:16: note: its stop request can only come from the thread object, which the detach gives up
  // CHECK-MESSAGES-ALL: :[[@LINE-5]]:5: warning: detached thread runs until it is asked to stop, but the detach gives up the last handle that can ask it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES-ALL: :[[@LINE-13]]:16: note: thread started here
  // CHECK-MESSAGES-ALL: :[[@LINE-13]]:5: note: the task's loop ends only on a stop request
  // CHECK-MESSAGES-ALL: :[[@LINE-15]]:16: note: its stop request can only come from the thread object, which the detach gives up
}

// Hard case: the task holds a token of a stop source local to the spawner
// (by value: no dangling reference), and the source dies with the spawner.
void start_with_local_source() {
  std::stop_source src;
  std::thread([tok = src.get_token()] {
    while (!tok.stop_requested())
      work();
  }).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: detached thread runs until it is asked to stop, but the detach gives up the last handle that can ask it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-5]]:3: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-5]]:5: note: the task's loop ends only on a stop request
  // CHECK-MESSAGES: :[[@LINE-8]]:20: note: its stop request can only come from 'src', which dies with the spawner
  // CHECK-MESSAGES-ALL: :[[@LINE-5]]:6: warning: detached thread runs until it is asked to stop, but the detach gives up the last handle that can ask it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES-ALL: :[[@LINE-9]]:3: note: thread started here
  // CHECK-MESSAGES-ALL: :[[@LINE-9]]:5: note: the task's loop ends only on a stop request
  // CHECK-MESSAGES-ALL: :[[@LINE-12]]:20: note: its stop request can only come from 'src', which dies with the spawner
}

// The same with a named token captured by copy.
void start_with_local_token() {
  std::stop_source src;
  std::stop_token tok = src.get_token();
  std::thread t([tok] {
    while (true) {
      if (tok.stop_requested())
        break;
      poll_device();
    }
  });
  t.detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: detached thread runs until it is asked to stop, but the detach gives up the last handle that can ask it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-9]]:15: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-9]]:5: note: the task's loop ends only on a stop request
  // CHECK-MESSAGES: :[[@LINE-13]]:20: note: its stop request can only come from 'src', which dies with the spawner
  // CHECK-MESSAGES-ALL: :[[@LINE-5]]:5: warning: detached thread runs until it is asked to stop, but the detach gives up the last handle that can ask it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES-ALL: :[[@LINE-13]]:15: note: thread started here
  // CHECK-MESSAGES-ALL: :[[@LINE-13]]:5: note: the task's loop ends only on a stop request
  // CHECK-MESSAGES-ALL: :[[@LINE-17]]:20: note: its stop request can only come from 'src', which dies with the spawner
}

// Boost.Thread: interruption points, but interrupt() needs the handle the
// detach gives up.
void start_boost_poller() {
  boost::thread t([] {
    for (;;) {
      boost::this_thread::interruption_point();
      poll_device();
    }
  });
  t.detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-8]]:17: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-8]]:5: note: the task's loop never ends
  // CHECK-MESSAGES-ALL: :[[@LINE-4]]:5: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES-ALL: :[[@LINE-11]]:17: note: thread started here
  // CHECK-MESSAGES-ALL: :[[@LINE-11]]:5: note: the task's loop never ends
}

// A member function of a class that starts a task using nothing of it.
class Service {
public:
  void start() {
    std::thread([] {
      do {
        assert(connect_once());
        poll_device();
      } while (true);
    }).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
    // CHECK-MESSAGES: :[[@LINE-7]]:5: note: thread started here
    // CHECK-MESSAGES: :[[@LINE-7]]:7: note: the task's loop never ends
    // CHECK-MESSAGES-ALL: :[[@LINE-4]]:8: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
    // CHECK-MESSAGES-ALL: :[[@LINE-10]]:5: note: thread started here
    // CHECK-MESSAGES-ALL: :[[@LINE-10]]:7: note: the task's loop never ends
  }
};

// ===========================================================================
// Negative cases (reported with ReportEveryLongRunning where the task is
// long-running)
// ===========================================================================

// One-shot tasks that own their state.
void one_shot_owning() {
  auto state = std::make_shared<std::vector<int>>();
  std::thread([state] { state->push_back(1); flush_logs(); }).detach();
  std::thread(flush_logs).detach();
}

// Hard negative: endless-looking, but the loop ends when the device is gone.
void ends_on_failure() {
  std::thread([] {
    for (;;) {
      if (!connect_once())
        break;
      poll_device();
    }
  }).detach();
}

// A global flag: whoever clears it stops the task.
void global_flag() {
  std::thread([] {
    while (g_running)
      poll_device();
  }).detach();
  // CHECK-MESSAGES-ALL: :[[@LINE-1]]:6: warning: detached thread runs until it is asked to stop; nothing can wait for it to finish after the stop request [taskleak-detached-thread]
  // CHECK-MESSAGES-ALL: :[[@LINE-5]]:3: note: thread started here
  // CHECK-MESSAGES-ALL: :[[@LINE-5]]:5: note: the task's loop ends only on a stop request
}

// Hard negative: a member flag that stop() sets; the shared_ptr keeps the
// object alive, so (b) is silent too.
class Connection : public std::enable_shared_from_this<Connection> {
public:
  void start() {
    auto self = shared_from_this();
    std::thread([this, self] {
      while (!closing_)
        poll_device();
    }).detach();
    // CHECK-MESSAGES-ALL: :[[@LINE-1]]:8: warning: detached thread runs until it is asked to stop; nothing can wait for it to finish after the stop request [taskleak-detached-thread]
    // CHECK-MESSAGES-ALL: :[[@LINE-5]]:5: note: thread started here
    // CHECK-MESSAGES-ALL: :[[@LINE-5]]:7: note: the task's loop ends only on a stop request
  }
  void stop() { closing_ = true; }

private:
  std::atomic<bool> closing_{false};
};

// Hard negative: the owner keeps the stop source (a member) and stops it.
class Owner {
public:
  void start() {
    std::thread([tok = src_.get_token()] {
      while (!tok.stop_requested())
        work();
    }).detach();
    // CHECK-MESSAGES-ALL: :[[@LINE-1]]:8: warning: detached thread runs until it is asked to stop; nothing can wait for it to finish after the stop request [taskleak-detached-thread]
    // CHECK-MESSAGES-ALL: :[[@LINE-5]]:5: note: thread started here
    // CHECK-MESSAGES-ALL: :[[@LINE-5]]:7: note: the task's loop ends only on a stop request
  }
  void stop() { src_.request_stop(); }

private:
  std::stop_source src_;
};

// Hard negative: a local source that the spawner stops itself.
void local_source_stopped() {
  std::stop_source src;
  std::thread([tok = src.get_token()] {
    while (!tok.stop_requested())
      work();
  }).detach();
  // CHECK-MESSAGES-ALL: :[[@LINE-1]]:6: warning: detached thread runs until it is asked to stop; nothing can wait for it to finish after the stop request [taskleak-detached-thread]
  // CHECK-MESSAGES-ALL: :[[@LINE-5]]:3: note: thread started here
  // CHECK-MESSAGES-ALL: :[[@LINE-5]]:5: note: the task's loop ends only on a stop request
  work();
  src.request_stop();
}

// Hard negative: a local source handed to someone who keeps it.
void keep_source(std::stop_source s);
void local_source_kept() {
  std::stop_source src;
  std::thread([tok = src.get_token()] {
    while (!tok.stop_requested())
      work();
  }).detach();
  // CHECK-MESSAGES-ALL: :[[@LINE-1]]:6: warning: detached thread runs until it is asked to stop; nothing can wait for it to finish after the stop request [taskleak-detached-thread]
  // CHECK-MESSAGES-ALL: :[[@LINE-5]]:3: note: thread started here
  // CHECK-MESSAGES-ALL: :[[@LINE-5]]:5: note: the task's loop ends only on a stop request
  keep_source(src);
}

// Hard negative: a member std::jthread keeps its stop source after detach.
class Ticker {
public:
  void start() {
    worker_ = std::jthread([](std::stop_token st) {
      while (!st.stop_requested())
        work();
    });
    worker_.detach();
    // CHECK-MESSAGES-ALL: :[[@LINE-1]]:13: warning: detached thread runs until it is asked to stop; nothing can wait for it to finish after the stop request [taskleak-detached-thread]
    // CHECK-MESSAGES-ALL: :[[@LINE-6]]:15: note: thread started here
    // CHECK-MESSAGES-ALL: :[[@LINE-6]]:7: note: the task's loop ends only on a stop request
  }
  void stop() { worker_.request_stop(); }

private:
  std::jthread worker_;
};

// Hard negative: a local std::jthread asked to stop after the detach.
void jthread_stopped_after_detach() {
  std::jthread t([](std::stop_token st) {
    while (!st.stop_requested())
      work();
  });
  t.detach();
  // CHECK-MESSAGES-ALL: :[[@LINE-1]]:5: warning: detached thread runs until it is asked to stop; nothing can wait for it to finish after the stop request [taskleak-detached-thread]
  // CHECK-MESSAGES-ALL: :[[@LINE-6]]:16: note: thread started here
  // CHECK-MESSAGES-ALL: :[[@LINE-6]]:5: note: the task's loop ends only on a stop request
  work();
  t.request_stop();
}

// Hard negative: a flag reached through a pointer to an object that
// outlives the spawner.
struct Context {
  std::atomic<bool> running{true};
};
void through_pointer(Context *ctx) {
  std::thread([ctx] {
    while (ctx->running)
      poll_device();
  }).detach();
  // CHECK-MESSAGES-ALL: :[[@LINE-1]]:6: warning: detached thread runs until it is asked to stop; nothing can wait for it to finish after the stop request [taskleak-detached-thread]
  // CHECK-MESSAGES-ALL: :[[@LINE-5]]:3: note: thread started here
  // CHECK-MESSAGES-ALL: :[[@LINE-5]]:5: note: the task's loop ends only on a stop request
}

// Hard negative: a token bound as an argument from a source the owner keeps.
void run_until(std::stop_token st) {
  while (!st.stop_requested())
    work();
}
class Runner {
public:
  void start() { std::thread(run_until, src_.get_token()).detach(); }
  // CHECK-MESSAGES-ALL: :[[@LINE-1]]:59: warning: detached thread runs until it is asked to stop; nothing can wait for it to finish after the stop request [taskleak-detached-thread]
  // CHECK-MESSAGES-ALL: :[[@LINE-2]]:18: note: thread started here
  // CHECK-MESSAGES-ALL: :[[@LINE-8]]:3: note: the task's loop ends only on a stop request
  void stop() { src_.request_stop(); }

private:
  std::stop_source src_;
};

// Boost.Thread, finite.
void boost_one_shot() {
  boost::thread t(flush_logs);
  t.detach();
}

// Known misses.
// A detach through a container of threads is not resolved.
void detach_pool(std::vector<std::thread> &pool) {
  pool.emplace_back([] {
    for (;;)
      poll_device();
  });
  for (auto &t : pool)
    t.detach(); // FIXME: should warn (endless task, last handle given up)
}
