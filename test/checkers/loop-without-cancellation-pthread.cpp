// RUN: %check_taskleak -std=c++17 %s taskleak-loop-without-cancellation %t

// POSIX threads (C++17): start routines are task bodies; pthread_testcancel()
// is a cancellation point.

#include <atomic>
#include <pthread.h>
#include <unistd.h>

void poll();
int next_event();
void handle(int value);

struct Job {
  int fd;
  std::atomic<bool> stop{false};
};

// ===========================================================================
// Positive cases
// ===========================================================================

void *reader_main(void *arg) {
  auto *job = static_cast<Job *>(arg);
  for (;;) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-MESSAGES: :[[@LINE+10]]:3: note: task spawned here
    char buf[256];
    if (read(job->fd, buf, sizeof buf) > 0)
      handle(buf[0]);
  }
  return nullptr;
}

void start_reader(Job &job) {
  pthread_t tid;
  pthread_create(&tid, nullptr, reader_main, &job);
  pthread_detach(tid);
}

// The loop is in a function the start routine calls.
static void spin() {
  while (true)
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-MESSAGES: :[[@LINE+10]]:12: note: task spawned here
    poll();
}

static void *spin_main(void *) {
  spin();
  return nullptr;
}

int start_spin(pthread_t *tid) {
  int rc = pthread_create(tid, nullptr, &spin_main, nullptr);
  return rc;
}

// A captureless lambda as the start routine.
void start_lambda(pthread_t *tid) {
  pthread_create(tid, nullptr,
                 [](void *) -> void * {
                   while (1) {
                   // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
                   // CHECK-MESSAGES: :[[@LINE-4]]:3: note: task spawned here
                     usleep(100);
                   }
                 },
                 nullptr);
}

// Hard case: the `break` only leaves the inner loop.
void *batcher_main(void *) {
  for (;;) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-MESSAGES: :[[@LINE+11]]:3: note: task spawned here
    for (int i = 0; i < 16; ++i) {
      if (next_event() < 0)
        break;
      handle(i);
    }
  }
  return nullptr;
}

void start_batcher(pthread_t *tid) {
  pthread_create(tid, nullptr, batcher_main, nullptr);
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: pthread_testcancel() in the loop.
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

// OK: pthread_testcancel() reached through a call.
static void checkpoint() { pthread_testcancel(); }

void *checkpointed_main(void *) {
  while (true) {
    checkpoint();
    handle(next_event());
  }
  return nullptr;
}

void start_checkpointed(pthread_t *tid) {
  pthread_create(tid, nullptr, checkpointed_main, nullptr);
}

// OK: the loop condition reads an atomic flag.
void *flag_main(void *arg) {
  auto *job = static_cast<Job *>(arg);
  while (!job->stop)
    poll();
  return nullptr;
}

void start_flag(Job &job, pthread_t *tid) {
  pthread_create(tid, nullptr, flag_main, &job);
}

// OK: pthread_exit() is noreturn.
void *exiting_main(void *) {
  while (true) {
    if (next_event() < 0)
      pthread_exit(nullptr);
  }
}

void start_exiting(pthread_t *tid) {
  pthread_create(tid, nullptr, exiting_main, nullptr);
}

// OK: the start routine is only declared.
extern "C" void *external_main(void *);

void start_external(pthread_t *tid) {
  pthread_create(tid, nullptr, external_main, nullptr);
}

// OK: endless loop in a function that is never a start routine.
void *never_started(void *) {
  for (;;)
    poll();
  return nullptr;
}
