// RUN: %check_taskleak %s taskleak-lost-wakeup %t

// Lost wake-ups on Boost.Thread's and Abseil's condition variables (the
// stand-ins in Inputs/): the same rules over their own API shapes
// (absl::CondVar::Wait(&mu) takes the mutex itself; Signal/SignalAll).

#include <absl/synchronization/mutex.h>
#include <atomic>
#include <boost/thread.hpp>
#include <vector>

// --- Boost.Thread: positives -------------------------------------------------

class BoostWorker {
  std::atomic<bool> stop_{false};
  boost::mutex m_;
  boost::condition_variable cv_;
public:
  void run() {
    boost::unique_lock<boost::mutex> l(m_);
    cv_.wait(l, [this] { return stop_.load(); });
  }
  void stop() {
    stop_ = true;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'stop_' is written without holding 'm_', so a notification on 'cv_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-5]]:9: note: the waiter checks 'stop_' under 'm_' here
    cv_.notify_all();
  }
};

class BoostLoopWait {
  bool ready_ = false;
  boost::mutex m_;
  boost::condition_variable_any cv_;
public:
  void waitReady() {
    boost::unique_lock<boost::mutex> l(m_);
    while (!ready_)
      cv_.wait(l);
  }
  void setReady() {
    m_.lock();
    m_.unlock();
    ready_ = true;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'ready_' is written without holding 'm_', so a notification on 'cv_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-7]]:11: note: the waiter checks 'ready_' under 'm_' here
    cv_.notify_one();
  }
};

class BoostEarly {
  int epoch_ = 0;
  boost::mutex m_;
  boost::condition_variable cv_;
public:
  void waitEpoch(int seen) {
    boost::unique_lock<boost::mutex> l(m_);
    cv_.wait(l, [&] { return epoch_ != seen; });
  }
  void advance() {
    cv_.notify_all();
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'cv_' is notified before 'epoch_' is written, so a waiter that checks 'epoch_' in between sleeps through the notification [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE+3]]:5: note: 'epoch_' is written here, after the notification
    // CHECK-MESSAGES: :[[@LINE-6]]:9: note: the waiter checks 'epoch_' under 'm_' here
    boost::lock_guard<boost::mutex> g(m_);
    ++epoch_;
  }
};

class BoostPool {
  bool stop_ = false;
  boost::mutex m_;
  boost::condition_variable cv_;
  std::vector<boost::thread> workers_;
  void work() {
    boost::unique_lock<boost::mutex> l(m_);
    cv_.wait(l, [this] { return stop_; });
  }
public:
  BoostPool() {
    for (int i = 0; i < 3; ++i)
      workers_.emplace_back([this] { work(); });
  }
  void stop() {
    {
      boost::lock_guard<boost::mutex> g(m_);
      stop_ = true;
    }
    cv_.notify_one();
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: setting 'stop_' wakes only one of the threads waiting on 'cv_'; the others sleep through it [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-9]]:7: note: several threads that wait on 'cv_' are started here, in a loop
  }
};

// --- Boost.Thread: negatives -------------------------------------------------

// Written under the lock, notified after.
class BoostGood {
  bool stop_ = false;
  boost::mutex m_;
  boost::condition_variable cv_;
public:
  void run() {
    boost::unique_lock<boost::mutex> l(m_);
    cv_.wait(l, [this] { return stop_; });
  }
  void stop() {
    {
      boost::lock_guard<boost::mutex> g(m_);
      stop_ = true;
    }
    cv_.notify_all();
  }
};

// One worker: notify_one is enough.
class BoostOneWorker {
  bool stop_ = false;
  boost::mutex m_;
  boost::condition_variable cv_;
  boost::thread t_;
  void work() {
    boost::unique_lock<boost::mutex> l(m_);
    cv_.wait(l, [this] { return stop_; });
  }
public:
  BoostOneWorker() : t_([this] { work(); }) {}
  void stop() {
    {
      boost::unique_lock<boost::mutex> g(m_);
      stop_ = true;
    }
    cv_.notify_one();
    t_.join();
  }
};

// --- Abseil: positives -------------------------------------------------------

class AbslWorker {
  std::atomic<bool> done_{false};
  absl::Mutex mu_;
  absl::CondVar cv_;
public:
  void waitDone() {
    absl::MutexLock l(&mu_);
    while (!done_)
      cv_.Wait(&mu_);
  }
  void finish() {
    done_ = true; // no fix-it: absl::Mutex has no guard in its model
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'done_' is written without holding 'mu_', so a notification on 'cv_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-5]]:11: note: the waiter checks 'done_' under 'mu_' here
    cv_.SignalAll();
  }
};

// --- Abseil: negatives -------------------------------------------------------

class AbslGood {
  bool done_ = false;
  absl::Mutex mu_;
  absl::CondVar cv_;
public:
  void waitDone() {
    absl::MutexLock l(&mu_);
    while (!done_)
      cv_.Wait(&mu_);
  }
  void finish() {
    absl::MutexLock l(&mu_);
    done_ = true;
    cv_.Signal();
  }
  void finishByHand() {
    mu_.Lock();
    done_ = true;
    mu_.Unlock();
    cv_.SignalAll();
  }
};

// A timed wait in a loop: a bounded delay.
class AbslTimed {
  std::atomic<bool> done_{false};
  absl::Mutex mu_;
  absl::CondVar cv_;
public:
  void waitDone() {
    absl::MutexLock l(&mu_);
    while (!done_)
      cv_.WaitWithTimeout(&mu_, absl::Duration());
  }
  void finish() {
    done_ = true;
    cv_.SignalAll();
  }
};
