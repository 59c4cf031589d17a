// RUN: %check_taskleak -check-options='taskleak-lost-wakeup.TimedWaits: true' %s taskleak-lost-wakeup %t

// TimedWaits: true counts waits with a deadline as waits too: a wait_for in
// a loop that re-checks its condition then loses the wake-up for one period
// (a delay of up to the timeout at every shutdown) instead of forever.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

class Polling {
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    while (!stop_)
      cv_.wait_for(l, std::chrono::seconds(30));
  }
  void stop() {
    stop_ = true;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'stop_' is written without holding 'm_', so a notification on 'cv_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-5]]:11: note: the waiter checks 'stop_' under 'm_' here
    cv_.notify_all();
  }
};

class PollingPred {
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait_for(l, std::chrono::seconds(30), [this] { return stop_.load(); });
  }
  void stop() {
    stop_ = true;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'stop_' is written without holding 'm_', so a notification on 'cv_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-5]]:9: note: the waiter checks 'stop_' under 'm_' here
    cv_.notify_all();
  }
};

// Still silent: written under the mutex.
class PollingGood {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    while (!stop_)
      cv_.wait_for(l, std::chrono::seconds(30));
  }
  void stop() {
    {
      std::lock_guard<std::mutex> g(m_);
      stop_ = true;
    }
    cv_.notify_all();
  }
};
