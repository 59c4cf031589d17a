// RUN: %check_taskleak %s taskleak-spawn-without-stop-token %t

// Other built-in spawns: std::async, boost::thread, QThread::create,
// QtConcurrent::run; and golike::go, which is NOT a spawn without its model.

#include <QtConcurrent/QtConcurrent>
#include <QtCore/QThread>
#include <boost/thread.hpp>
#include <chrono>
#include <future>
#include <golike.h>
#include <stop_token>
#include <thread>

void poll();
int next_event();
void handle(int value);
void finish(); // throws, but is not [[noreturn]]

// ===========================================================================
// Positive cases
// ===========================================================================

// std::async with a launch policy.
void async_with_policy() {
  auto fut = std::async(std::launch::async, [] {
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: task spawned by 'std::async' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    for (;;) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
      poll();
    }
  });
  fut.wait();
}

// std::async without a policy, a function and an argument.
void watch_channel(int channel) {
  while (true)
    handle(channel);
}

std::future<void> async_without_policy() {
  return std::async(watch_channel, 4);
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: task spawned by 'std::async' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
}

// boost::thread; std::this_thread::sleep_for is not an interruption point.
void boost_thread_std_sleep() {
  boost::thread t([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: task spawned by 'boost::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      poll();
    }
  });
  t.interrupt();
  t.join();
}

// boost::thread with a function; boost::this_thread::interruption_requested()
// only reads the flag and is no interruption point.
void spin_boost(int id) {
  for (;;) {
    if (boost::this_thread::interruption_requested())
      handle(-id);
    handle(id);
  }
}

void boost_thread_function() {
  boost::thread t(spin_boost, 2);
  // OK: interruption_requested() is a check for a stop request, like
  // stop_requested(); taskleak does not judge what the branch then does.
  t.detach();
}

// QThread::create.
void qthread_create() {
  QThread *thread = QThread::create([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: task spawned by 'QThread::create' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    for (;;) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
      QThread::msleep(10);
      poll();
    }
  });
  thread->start();
  thread->requestInterruption();
  thread->wait();
}

// QtConcurrent::run on the global pool.
void qtconcurrent_run() {
  QFuture<void> f = QtConcurrent::run([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: task spawned by 'QtConcurrent::run' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    while (1)
      poll();
  });
  f.cancel(); // QFuture::cancel() does not stop a running function.
}

// QtConcurrent::run with an explicit thread pool and an argument.
void qtconcurrent_run_pool(QThreadPool *pool) {
  auto f = QtConcurrent::run(pool, [](int id) {
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: task spawned by 'QtConcurrent::run' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    do {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
      handle(id);
    } while (true);
  }, 3);
  f.waitForFinished();
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: boost::this_thread::interruption_point() is a cancellation point.
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

// OK (hard case): boost::this_thread::sleep_for IS an interruption point,
// unlike std::this_thread::sleep_for.
void boost_sleep_for() {
  boost::thread t([] {
    while (true) {
      boost::this_thread::sleep_for(boost::chrono::milliseconds(20));
      poll();
    }
  });
  t.interrupt();
  t.join();
}

// OK: waiting on a boost::condition_variable is an interruption point.
void boost_condition_wait(boost::mutex &m, boost::condition_variable &cv) {
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
    for (;;) {
      if (QThread::currentThread()->isInterruptionRequested())
        finish();
      poll();
    }
  });
  thread->start();
  thread->requestInterruption();
  thread->wait();
}

// OK: std::async whose callable receives a std::stop_token.
void async_with_token(std::stop_source &source) {
  auto fut = std::async(
      std::launch::async,
      [](std::stop_token st) {
        while (!st.stop_requested())
          poll();
      },
      source.get_token());
  source.request_stop();
  fut.wait();
}

// OK: QtConcurrent::run of a bounded loop.
void qtconcurrent_bounded() {
  auto f = QtConcurrent::run([] {
    for (int i = 0; i < 100; ++i)
      handle(i);
  });
  f.waitForFinished();
}

// OK: std::async whose loop returns.
void async_returns() {
  auto fut = std::async(std::launch::deferred, [] {
    for (;;) {
      int ev = next_event();
      if (ev < 0)
        return ev;
      handle(ev);
    }
  });
  (void)fut.get();
}

// OK: without the YAML model golike::go is an ordinary function call.
void golike_without_model(golike::Chan<int> &ch) {
  golike::go([&ch] {
    for (;;)
      ch.send(next_event());
  });
}
