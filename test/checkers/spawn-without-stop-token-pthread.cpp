// RUN: %check_taskleak -std=c++17 %s taskleak-spawn-without-stop-token %t

// POSIX threads: the task body is argument 2 of pthread_create.

#include <atomic>
#include <cstdio>
#include <pthread.h>
#include <unistd.h>

void poll();
int next_event();
void handle(int value);

struct Connection {
  int fd;
  std::atomic<bool> stop{false};
};

// ===========================================================================
// Positive cases
// ===========================================================================

void *reader_main(void *arg) {
  auto *conn = static_cast<Connection *>(arg);
  for (;;) {
    char buf[512];
    ssize_t n = read(conn->fd, buf, sizeof buf);
    if (n > 0)
      handle(static_cast<int>(n));
  }
}

void start_reader(Connection &conn) {
  pthread_t tid;
  pthread_create(&tid, nullptr, reader_main, &conn);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: task spawned by 'pthread_create' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES: :[[@LINE-12]]:3: note: loop never exits and reaches no cancellation point
  pthread_detach(tid);
}

// `&function`, and the result of pthread_create is used.
void *ticker_main(void *) {
  while (true) {
    usleep(1000);
    poll();
  }
  return nullptr;
}

int start_ticker() {
  pthread_t tid;
  int rc = pthread_create(&tid, nullptr, &ticker_main, nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: task spawned by 'pthread_create' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  return rc;
}

// The endless loop is in a function the start routine calls.
static void pump_events() {
  while (1)
    handle(next_event());
}

static void *pump_main(void *) {
  pump_events();
  return nullptr;
}

void start_pump() {
  pthread_t tid;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  if (pthread_create(&tid, &attr, pump_main, nullptr) != 0)
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: task spawned by 'pthread_create' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    std::perror("pthread_create");
  pthread_attr_destroy(&attr);
}

// A captureless lambda converted to the start routine.
void start_lambda() {
  pthread_t tid;
  pthread_create(
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: task spawned by 'pthread_create' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
      &tid, nullptr,
      [](void *) -> void * {
        for (;;)
          poll();
      },
      nullptr);
  pthread_detach(tid);
}

// Hard case: the `break` only leaves the switch; pthread_cancel() from the
// outside cannot stop this thread either, since it reaches no cancellation
// point that taskleak knows of.
void *dispatcher_main(void *) {
  while (true) {
    switch (next_event()) {
    case 0:
      break;
    default:
      poll();
    }
  }
  return nullptr;
}

void start_dispatcher(pthread_t *tid) {
  pthread_create(tid, nullptr, dispatcher_main, nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: task spawned by 'pthread_create' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: pthread_testcancel() is a cancellation point.
void *cancellable_main(void *) {
  for (;;) {
    pthread_testcancel();
    poll();
  }
  return nullptr;
}

void start_cancellable(pthread_t *tid) {
  pthread_create(tid, nullptr, cancellable_main, nullptr);
}

// OK: pthread_testcancel() is reached through a call.
static void checkpoint() { pthread_testcancel(); }

void *cancellable_via_call_main(void *) {
  while (true) {
    checkpoint();
    handle(next_event());
  }
  return nullptr;
}

void start_cancellable_via_call(pthread_t *tid) {
  pthread_create(tid, nullptr, cancellable_via_call_main, nullptr);
}

// OK: the loop condition reads an atomic flag through the argument.
void *flag_main(void *arg) {
  auto *conn = static_cast<Connection *>(arg);
  while (!conn->stop.load())
    poll();
  return nullptr;
}

void start_flag(Connection &conn, pthread_t *tid) {
  pthread_create(tid, nullptr, flag_main, &conn);
}

// OK: pthread_exit() does not return.
void *exiting_main(void *) {
  for (;;) {
    if (next_event() < 0)
      pthread_exit(nullptr);
    poll();
  }
}

void start_exiting(pthread_t *tid) {
  pthread_create(tid, nullptr, exiting_main, nullptr);
}

// OK: bounded loop.
void *batch_main(void *) {
  for (int i = 0; i < 64; ++i)
    handle(i);
  return nullptr;
}

void start_batch(pthread_t *tid) {
  pthread_create(tid, nullptr, batch_main, nullptr);
}

// OK: the start routine is only declared; its body is not visible.
extern "C" void *external_main(void *);

void start_external(pthread_t *tid) {
  pthread_create(tid, nullptr, external_main, nullptr);
}

// OK (hard case): the function with the endless loop is the *argument*
// (argument 3) of pthread_create, not the start routine; the start routine
// (argument 2) is not visible.
void spin_forever() {
  for (;;)
    poll();
}
extern "C" void *trampoline(void *);

void start_trampoline(pthread_t *tid) {
  pthread_create(tid, nullptr, trampoline,
                 reinterpret_cast<void *>(&spin_forever));
}

// OK: endless loop in a function that is never a start routine.
void *never_started(void *) {
  while (true)
    poll();
  return nullptr;
}
