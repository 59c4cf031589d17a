// RUN: %check_taskleak %s taskleak-loop-without-cancellation %t
// RUN: %check_taskleak %s taskleak-loop-without-cancellation %t.ndebug -- -DNDEBUG
// RUN: %check_taskleak -model=%S/Inputs/process-exits.taskleak.yaml %s taskleak-loop-without-cancellation %t.yaml -check-suffix=YAML

// A call that ends the whole process (abort, exit, quick_exit, _Exit,
// std::terminate, the failure branch of assert) is not a way out of a task's
// endless loop: the task runs as long as the process. The verdict must not
// depend on NDEBUG (the second RUN line expects the same findings). A
// [[noreturn]] helper that throws, or whose body is not visible, and
// pthread_exit (it ends the thread) still leave the loop. The third RUN line
// adds a project's own process exit (app::die) from a YAML model.

#include <cassert>
#include <cstdlib>
#include <exception>
#include <pthread.h>
#include <stdexcept>
#include <thread>

#include <boost/thread.hpp>

void poll();
bool connect_once();
int next_event();
bool should_stop();
[[noreturn]] void fatal(const char *what); // body not visible: may throw

namespace app {
[[noreturn]] void die(const char *why); // modelled in the YAML run only
}

// A helper of our own that logs and aborts: it ends the process too.
[[noreturn]] void crash(const char *why) {
  (void)why;
  std::abort();
}
// One that throws is a way out.
[[noreturn]] void raise_error(const char *why) {
  throw std::runtime_error(why);
}
// One that may throw or abort leaves the loop on its throw.
[[noreturn]] void throw_or_abort(bool recoverable) {
  if (recoverable)
    throw std::runtime_error("retry");
  std::abort();
}

// ===========================================================================
// Positive cases
// ===========================================================================

void with_abort() {
  std::thread t([] {
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: task spawned here
    // CHECK-MESSAGES-YAML: :[[@LINE-3]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES-YAML: :[[@LINE-5]]:15: note: task spawned here
      if (!connect_once())
        std::abort();
      poll();
    }
  });
  t.join();
}

// Hard case: assert's failure branch calls __assert_fail (noreturn); with
// NDEBUG the assert is gone. Either way the loop never ends.
void with_assert() {
  std::thread t([] {
    for (;;) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: task spawned here
    // CHECK-MESSAGES-YAML: :[[@LINE-3]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES-YAML: :[[@LINE-5]]:15: note: task spawned here
      poll();
      assert(next_event() >= 0);
    }
  });
  t.join();
}

void with_exit() {
  std::thread t([] {
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: task spawned here
    // CHECK-MESSAGES-YAML: :[[@LINE-3]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES-YAML: :[[@LINE-5]]:15: note: task spawned here
      if (next_event() < 0)
        exit(1);
      poll();
    }
  });
  t.join();
}

void with_quick_exit_and_Exit() {
  std::thread t([] {
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: task spawned here
    // CHECK-MESSAGES-YAML: :[[@LINE-3]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES-YAML: :[[@LINE-5]]:15: note: task spawned here
      int e = next_event();
      if (e == -1)
        std::quick_exit(2);
      if (e == -2)
        _Exit(3);
      poll();
    }
  });
  t.join();
}

void with_terminate() {
  std::thread t([] {
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: task spawned here
    // CHECK-MESSAGES-YAML: :[[@LINE-3]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES-YAML: :[[@LINE-5]]:15: note: task spawned here
      if (!connect_once())
        std::terminate();
      poll();
    }
  });
  t.join();
}

// Hard case: a noreturn helper of the translation unit that only aborts.
void with_crash_helper() {
  std::thread t([] {
    for (;;) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: task spawned here
    // CHECK-MESSAGES-YAML: :[[@LINE-3]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES-YAML: :[[@LINE-5]]:15: note: task spawned here
      if (next_event() < 0)
        crash("event source died");
      poll();
    }
  });
  t.join();
}

// pthread: a start routine whose loop aborts on failure.
void *abort_main(void *) {
  for (;;) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-MESSAGES-YAML: :[[@LINE-2]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    if (!connect_once())
      abort();
    poll();
  }
}
void start_abort_main(pthread_t *tid) {
  pthread_create(tid, nullptr, abort_main, nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: task spawned here
  // CHECK-MESSAGES-YAML: :[[@LINE-2]]:3: note: task spawned here
}

// Boost.Thread, an assert in a do-while(true).
void boost_with_assert() {
  boost::thread t([] {
    do {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:17: note: task spawned here
    // CHECK-MESSAGES-YAML: :[[@LINE-3]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES-YAML: :[[@LINE-5]]:17: note: task spawned here
      assert(connect_once());
      poll();
    } while (true);
  });
  t.join();
}

// YAML: app::die is declared [[noreturn]] with no visible body (a way out by
// default); the model says it ends the process.
void with_modelled_exit() {
  std::thread t([] {
    while (true) {
    // CHECK-MESSAGES-YAML: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES-YAML: :[[@LINE-3]]:15: note: task spawned here
      if (!connect_once())
        app::die("lost");
      poll();
    }
  });
  t.join();
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: a [[noreturn]] helper whose body is not visible may throw.
void with_opaque_noreturn() {
  std::thread t([] {
    for (;;) {
      if (next_event() < 0)
        fatal("dead");
      poll();
    }
  });
  t.join();
}

// OK: a [[noreturn]] helper that throws leaves the loop.
void with_throwing_helper() {
  std::thread t([] {
    for (;;) {
      if (next_event() < 0)
        raise_error("dead");
      poll();
    }
  });
  t.join();
}

// Hard negative: a helper that aborts on one branch but throws on another.
void with_throw_or_abort() {
  std::thread t([] {
    for (;;) {
      if (next_event() < 0)
        throw_or_abort(true);
      poll();
    }
  });
  t.join();
}

// OK: pthread_exit ends the thread, not the process.
void *exiting_main(void *) {
  for (;;) {
    if (should_stop())
      pthread_exit(nullptr);
    poll();
  }
}
void start_exiting_main(pthread_t *tid) {
  pthread_create(tid, nullptr, exiting_main, nullptr);
}

// Hard negative: an abort beside a real way out.
void abort_and_break() {
  std::thread t([] {
    while (true) {
      int e = next_event();
      if (e == -1)
        std::abort();
      if (e == 0)
        break;
      poll();
    }
  });
  t.join();
}

// Hard negative: an assert in a loop that ends on its own.
void assert_in_counted_loop() {
  std::thread t([] {
    for (int i = 0; i < 10; ++i) {
      assert(connect_once());
      poll();
    }
  });
  t.join();
}

// Hard negative: the abort is in a nested lambda, the loop has a return.
void abort_in_nested_lambda() {
  std::thread t([] {
    while (true) {
      auto on_error = [] { std::abort(); };
      if (next_event() < 0) {
        on_error();
        return;
      }
      poll();
    }
  });
  t.join();
}

// Hard negative: an exit after the loop, which ends on a throw.
void exit_after_loop() {
  std::thread t([] {
    try {
      while (true) {
        if (next_event() < 0)
          throw std::runtime_error("lost");
        poll();
      }
    } catch (...) {
      std::exit(1);
    }
  });
  t.join();
}

// Boost.Thread: a throw beside the assert.
void boost_assert_and_throw() {
  boost::thread t([] {
    for (;;) {
      assert(connect_once());
      if (next_event() < 0)
        throw std::runtime_error("lost");
    }
  });
  t.join();
}
