// RUN: %check_taskleak -model=%S/Inputs/golike-waits.taskleak.yaml %s taskleak-blocking-wait-ignores-stop-token %t

// Flag-stopped tasks over Boost.Thread and a library described only by a
// YAML model (golike::Chan: close wakes receivers; golike::Mailbox: close
// wakes take).

#include <atomic>
#include <boost/thread.hpp>
#include <golike.h>

void handle(int value);

// --- Positives ----------------------------------------------------------------

class ChanReader {
  std::atomic<bool> running_{true};
  golike::Chan<int> ch_;
  void run() {
    while (running_)
      handle(ch_.recv());
    // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: 'golike::Chan::recv' blocks and setting 'running_' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE+3]]:28: note: the stop path sets 'running_' here but does not wake the wait
  }
public:
  ~ChanReader() { running_ = false; }
};

// --- Negatives ----------------------------------------------------------------

// A Boost.Thread wait is an interruption point (the model says so):
// thread::interrupt() wakes it, so it is not a wait that ignores the stop
// request, even though stop() only sets the flag.
class BoostInterruptible {
  std::atomic<bool> stop_{false};
  boost::mutex m_;
  boost::condition_variable cv_;
  void run() {
    while (!stop_) {
      boost::unique_lock<boost::mutex> l(m_);
      cv_.wait(l);
    }
  }
public:
  void stop() { stop_ = true; }
};


class BoostGood {
  std::atomic<bool> stop_{false};
  boost::mutex m_;
  boost::condition_variable cv_;
  void run() {
    while (!stop_) {
      boost::unique_lock<boost::mutex> l(m_);
      cv_.wait(l);
    }
  }
public:
  void stop() {
    stop_ = true;
    cv_.notify_all();
  }
};

// The stop path closes the channel the task receives from.
class ChanGood {
  std::atomic<bool> running_{true};
  golike::Chan<int> ch_;
  void run() {
    while (running_)
      handle(ch_.recv());
  }
public:
  ~ChanGood() {
    running_ = false;
    ch_.close();
  }
};

// The stop path closes the mailbox the task takes from.
class MailboxGood {
  std::atomic<bool> running_{true};
  golike::Mailbox<int> box_;
  void run() {
    while (running_)
      handle(box_.take());
  }
public:
  void stop() {
    running_ = false;
    box_.close();
  }
};
