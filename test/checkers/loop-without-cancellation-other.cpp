// RUN: %check_taskleak %s taskleak-loop-without-cancellation %t

// Other built-in spawns: std::async, boost::thread, QThread::create,
// QtConcurrent::run; and golike::go, which is NOT a spawn without its model.

#include <QtConcurrent/QtConcurrent>
#include <QtCore/QThread>
#include <boost/thread.hpp>
#include <chrono>
#include <future>
#include <golike.h>
#include <thread>

void poll();
int next_event();
void handle(int value);
void finish(); // throws, but is not [[noreturn]]

// ===========================================================================
// Positive cases
// ===========================================================================

void async_task() {
  auto fut = std::async(std::launch::async, [] {
    for (;;) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:14: note: task spawned here
      poll();
    }
  });
  fut.wait();
}

// boost::thread with std::this_thread::sleep_for, which is no interruption
// point.
void boost_std_sleep() {
  boost::thread t([] {
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:17: note: task spawned here
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      poll();
    }
  });
  t.interrupt();
  t.join();
}

// QThread::create; QThread::msleep is no cancellation point.
void qthread_create() {
  QThread *thread = QThread::create([] {
    do {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:21: note: task spawned here
      QThread::msleep(10);
      poll();
    } while (true);
  });
  thread->start();
  thread->requestInterruption();
  thread->wait();
}

// QtConcurrent::run with a pool and a function.
void crunch_forever(int id) {
  while (1)
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-MESSAGES: :[[@LINE+5]]:12: note: task spawned here
    handle(id);
}

void qtconcurrent_pool(QThreadPool *pool) {
  auto f = QtConcurrent::run(pool, crunch_forever, 1);
  f.waitForFinished();
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: boost::this_thread::interruption_point().
void boost_interruption_point() {
  boost::thread t([] {
    for (;;) {
      boost::this_thread::interruption_point();
      poll();
    }
  });
  t.interrupt();
  t.join();
}

// OK (hard case): boost::this_thread::sleep_for IS an interruption point.
void boost_sleep() {
  boost::thread t([] {
    while (true) {
      boost::this_thread::sleep_for(boost::chrono::milliseconds(5));
      poll();
    }
  });
  t.interrupt();
  t.join();
}

// OK: waiting on a boost::condition_variable_any is an interruption point.
void boost_condition_wait(boost::mutex &m, boost::condition_variable_any &cv) {
  boost::thread t([&] {
    for (;;) {
      boost::unique_lock<boost::mutex> lock(m);
      cv.wait(lock);
      poll();
    }
  });
  t.interrupt();
  t.join();
}

// OK: QThread::isInterruptionRequested() is a cancellation point.
void qthread_interruption() {
  QThread *thread = QThread::create([] {
    while (true) {
      if (QThread::currentThread()->isInterruptionRequested())
        finish();
      poll();
    }
  });
  thread->start();
  thread->requestInterruption();
  thread->wait();
}

// OK: QtConcurrent::run of a loop that returns.
void qtconcurrent_returns() {
  auto f = QtConcurrent::run([] {
    for (;;) {
      if (next_event() < 0)
        return;
      poll();
    }
  });
  f.waitForFinished();
}

// OK: std::async of a bounded loop.
int async_bounded() {
  auto fut = std::async([] {
    int sum = 0;
    for (int i = 0; i < 10; ++i)
      sum += next_event();
    return sum;
  });
  return fut.get();
}

// OK: without the YAML model golike::go is an ordinary function call.
void golike_without_model(golike::Chan<int> &ch) {
  golike::go([&ch] {
    while (true)
      ch.send(next_event());
  });
}
