// RUN: %check_taskleak %s taskleak-detached-thread %t

// POSIX threads: pthread_detach(tid) after pthread_create(&tid, ...) in the
// same function is a detach of that thread (`detach-functions:` models).
// pthread_cancel needs the id: when the spawner keeps or uses it otherwise,
// (c) says nothing.

#include <atomic>
#include <cassert>
#include <exception>
#include <pthread.h>

void poll_device();
bool connect_once();
int accept_client();
void serve(int fd);
void flush_logs();

std::atomic<bool> g_running{true};
pthread_t g_last;

void *poll_main(void *) {
  for (;;)
    poll_device();
}

void *checked_main(void *) {
  while (true) {
    assert(connect_once());
    poll_device();
  }
}

void *serve_main(void *) {
  while (g_running)
    serve(0);
  return nullptr;
}

void *flush_main(void *) {
  flush_logs();
  return nullptr;
}

// ===========================================================================
// Positive cases
// ===========================================================================

void start_poller() {
  pthread_t tid;
  pthread_create(&tid, nullptr, poll_main, nullptr);
  pthread_detach(tid);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-32]]:3: note: the task's loop never ends
}

// Hard case: an assert is no way out.
void start_checked() {
  pthread_t tid;
  if (pthread_create(&tid, nullptr, checked_main, nullptr) == 0)
    pthread_detach(tid);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-3]]:7: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-37]]:3: note: the task's loop never ends
}

// An accept loop: one more long-running thread per round.
void accept_loop() {
  for (;;) {
    int fd = accept_client();
    (void)fd;
    pthread_t tid;
    pthread_create(&tid, nullptr, serve_main, nullptr);
    pthread_detach(tid);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: detached thread runs until it is asked to stop and is started again on every round of the enclosing loop, so threads that nobody can join pile up [taskleak-detached-thread]
    // CHECK-MESSAGES: :[[@LINE-3]]:5: note: thread started here
    // CHECK-MESSAGES: :[[@LINE-8]]:3: note: this loop starts one more thread each round
    // CHECK-MESSAGES: :[[@LINE-44]]:3: note: the task's loop ends only on a stop request
  }
}

// A reconnect loop with an endless task.
void reconnect() {
  while (!connect_once()) {
    pthread_t tid;
    pthread_create(&tid, nullptr, poll_main, nullptr);
    pthread_detach(tid);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: detached thread never ends and is started again on every round of the enclosing loop, so threads that nobody can join pile up [taskleak-detached-thread]
    // CHECK-MESSAGES: :[[@LINE-3]]:5: note: thread started here
    // CHECK-MESSAGES: :[[@LINE-6]]:3: note: this loop starts one more thread each round
    // CHECK-MESSAGES: :[[@LINE-69]]:3: note: the task's loop never ends
  }
}

// The endless loop is in a function the start routine calls.
void pump_forever() {
  for (;;) {
    if (!connect_once())
      std::terminate();
    poll_device();
  }
}
void *pump_main(void *) {
  pump_forever();
  return nullptr;
}
void start_pump() {
  pthread_t tid;
  pthread_create(&tid, nullptr, pump_main, nullptr);
  pthread_detach(tid);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: detached thread never ends and the detach gives up the last handle on it: nothing can stop it or wait for it [taskleak-detached-thread]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: thread started here
  // CHECK-MESSAGES: :[[@LINE-16]]:3: note: the task's loop never ends
}

// Hard negative (here beside the positives it resembles): the id is reused,
// so the spawner uses it beyond this spawn and its detach.
void start_two() {
  pthread_t tid;
  pthread_create(&tid, nullptr, flush_main, nullptr);
  pthread_join(tid, nullptr);
  pthread_create(&tid, nullptr, poll_main, nullptr);
  pthread_detach(tid);
}

// ===========================================================================
// Negative cases
// ===========================================================================

// One-shot work.
void start_flush() {
  pthread_t tid;
  pthread_create(&tid, nullptr, flush_main, nullptr);
  pthread_detach(tid);
}

// Hard negative: the id is kept, so pthread_cancel can still end it.
void start_poller_kept() {
  pthread_t tid;
  pthread_create(&tid, nullptr, poll_main, nullptr);
  pthread_detach(tid);
  g_last = tid;
}

// Hard negative: cancelled later through the id.
void start_and_cancel() {
  pthread_t tid;
  pthread_create(&tid, nullptr, poll_main, nullptr);
  pthread_detach(tid);
  flush_logs();
  pthread_cancel(tid);
}

// A global flag stops it.
void start_server() {
  pthread_t tid;
  pthread_create(&tid, nullptr, serve_main, nullptr);
  pthread_detach(tid);
}

// Joined, not detached.
void start_joined() {
  pthread_t tid;
  pthread_create(&tid, nullptr, poll_main, nullptr);
  pthread_join(tid, nullptr);
}

// Hard negative: a thread that detaches itself is not resolved (its id is
// not the spawner's).
void *self_detaching_main(void *) {
  pthread_detach(pthread_self());
  flush_logs();
  return nullptr;
}
void start_self_detaching() {
  pthread_t tid;
  pthread_create(&tid, nullptr, self_detaching_main, nullptr);
}

// Hard negative: the routine's loop ends when the device goes away.
void *until_gone_main(void *) {
  for (;;) {
    if (!connect_once())
      break;
    poll_device();
  }
  return nullptr;
}
void start_until_gone() {
  pthread_t tid;
  pthread_create(&tid, nullptr, until_gone_main, nullptr);
  pthread_detach(tid);
}

// Hard negative: the id is handed to someone who may cancel it.
void register_thread(pthread_t tid);
void start_registered() {
  pthread_t tid;
  pthread_create(&tid, nullptr, poll_main, nullptr);
  pthread_detach(tid);
  register_thread(tid);
}

// Known miss: a thread created detached through its attributes.
void start_detached_attr() {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t tid;
  pthread_create(&tid, &attr, poll_main, nullptr); // FIXME: should warn
}
