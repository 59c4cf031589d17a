// RUN: %check_taskleak -model=%S/Inputs/rtthread.taskleak.yaml %s taskleak-detached-thread %t

// A thread library described only by a YAML model: rt::Thread starts its
// callable, release() detaches it, rt::panic ends the process
// (process-exits:), so it is no way out of the task's loop.

#include <atomic>
#include <functional>
#include <rtthread.h>

void poll_device();
bool connect_once();
std::atomic<bool> g_running{true};

// Positive: endless task, last handle released.
void start_poller() {
  rt::Thread t([] {
    for (;;)
      poll_device();
  });
  t.release();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-6]]:14: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-6]]:5: note: the task's loop never ends
}

// Positive: the modelled process exit is no way out.
void start_panicking_poller() {
  rt::Thread t([] {
    while (true) {
      if (!connect_once())
        rt::panic("lost");
      poll_device();
    }
  });
  t.release();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-9]]:14: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-9]]:5: note: the task's loop never ends
}

// Negative: a global flag stops it.
void start_flagged() {
  rt::Thread t([] {
    while (g_running)
      poll_device();
  });
  t.release();
}

// Negative: one-shot.
void start_one_shot() {
  rt::Thread t([] { poll_device(); });
  t.release();
}
