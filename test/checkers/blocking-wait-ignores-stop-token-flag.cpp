// RUN: %check_taskleak %s taskleak-blocking-wait-ignores-stop-token %t

// Tasks stopped through a flag (a std::atomic<bool> or bool member that the
// task's loop tests and stop() or the destructor writes): a blocking wait in
// that loop that the stop path does not wake keeps stop() hanging in join().

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <semaphore>
#include <thread>

// --- Positives ----------------------------------------------------------------

class Worker1 {
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable cv_;
  std::thread t_;
  void run() {
    while (!stop_) {
      std::unique_lock<std::mutex> l(m_);
      cv_.wait(l);
      // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'std::condition_variable::wait' blocks and setting 'stop_' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
      // CHECK-MESSAGES: :[[@LINE+6]]:11: note: the stop path sets 'stop_' here but does not wake the wait
    }
  }
public:
  Worker1() : t_([this] { run(); }) {}
  void stop() {
    stop_ = true;
    t_.join();
  }
};

class Worker2 {
  std::atomic<bool> running_{true};
  std::counting_semaphore<8> items_{0};
  std::thread t_;
  void loop() {
    while (running_.load()) {
      items_.acquire();
      // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'std::counting_semaphore::acquire' blocks and setting 'running_' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
      // CHECK-MESSAGES: :[[@LINE+6]]:14: note: the stop path sets 'running_' here but does not wake the wait
    }
  }
public:
  Worker2() : t_(&Worker2::loop, this) {}
  ~Worker2() {
    running_.store(false);
    t_.join();
  }
};

class Worker3 {
  bool done_ = false;
  std::mutex m_;
  std::future<int> *reply_ = nullptr;
  std::thread t_;
  void loop() {
    for (;;) {
      {
        std::lock_guard<std::mutex> g(m_);
        if (done_)
          return;
      }
      reply_->get();
      // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: 'std::future::get' blocks and setting 'done_' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
      // CHECK-MESSAGES: :[[@LINE+7]]:11: note: the stop path sets 'done_' here but does not wake the wait
    }
  }
public:
  Worker3() : t_([this] { loop(); }) {}
  void shutdown() {
    std::lock_guard<std::mutex> g(m_);
    done_ = true;
  }
};

// The stop path notifies a different condition variable.
class Worker4 {
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable work_, idle_;
  std::thread t_;
  void run() {
    while (!stop_) {
      std::unique_lock<std::mutex> l(m_);
      work_.wait(l);
      // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'std::condition_variable::wait' blocks and setting 'stop_' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
      // CHECK-MESSAGES: :[[@LINE+6]]:11: note: the stop path sets 'stop_' here but does not wake the wait
    }
  }
public:
  Worker4() : t_([this] { run(); }) {}
  void stop() {
    stop_ = true;
    idle_.notify_all();
  }
};

// --- Negatives ----------------------------------------------------------------

// The stop path notifies the condition variable waited on.
class Good1 {
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable cv_;
  std::thread t_;
  void run() {
    while (!stop_) {
      std::unique_lock<std::mutex> l(m_);
      cv_.wait(l);
    }
  }
public:
  Good1() : t_([this] { run(); }) {}
  void stop() {
    stop_ = true;
    cv_.notify_all();
    t_.join();
  }
};

// The stop path wakes it through a helper it calls.
class Good2 {
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable cv_;
  std::thread t_;
  void run() {
    while (!stop_) {
      std::unique_lock<std::mutex> l(m_);
      cv_.wait(l);
    }
  }
  void wakeAll() { cv_.notify_all(); }
public:
  Good2() : t_([this] { run(); }) {}
  ~Good2() {
    stop_ = true;
    wakeAll();
    t_.join();
  }
};

// A timed wait comes back and re-checks the flag.
class Good3 {
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable cv_;
  std::thread t_;
  void run() {
    while (!stop_) {
      std::unique_lock<std::mutex> l(m_);
      cv_.wait_for(l, std::chrono::milliseconds(100));
    }
  }
public:
  Good3() : t_([this] { run(); }) {}
  void stop() { stop_ = true; }
};

// The predicate reads the flag and the stop path does not notify: a lost
// wake-up, reported by taskleak-lost-wakeup, not here (one finding per bug).
class LostWakeup {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<int> q_;
  std::thread t_;
  void run() {
    while (!stop_) {
      std::unique_lock<std::mutex> l(m_);
      cv_.wait(l, [this] { return stop_ || !q_.empty(); });
    }
  }
public:
  LostWakeup() : t_([this] { run(); }) {}
  void stop() {
    std::lock_guard<std::mutex> g(m_);
    stop_ = true;
  }
};

// The wait is after the loop: the task is winding down.
class Good4 {
  std::atomic<bool> stop_{false};
  std::thread helper_;
  std::thread t_;
  void run() {
    while (!stop_) {
    }
    helper_.join();
  }
public:
  Good4() : t_([this] { run(); }) {}
  void stop() { stop_ = true; }
};

// Nothing but the task itself (and the constructor) writes the flag: no stop
// path, so no stop handle this rule could speak of.
class Good5 {
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable cv_;
  std::thread t_;
  void run() {
    while (!stop_) {
      std::unique_lock<std::mutex> l(m_);
      cv_.wait(l);
      stop_ = true;
    }
  }
public:
  Good5() : t_([this] { run(); }) { stop_ = false; }
};

// A future the task creates and fulfils itself.
class Good6 {
  std::atomic<bool> stop_{false};
  std::thread t_;
  void run() {
    while (!stop_) {
      std::promise<int> p;
      std::future<int> f = p.get_future();
      p.set_value(1);
      f.get();
    }
  }
public:
  Good6() : t_([this] { run(); }) {}
  void stop() { stop_ = true; }
};

// The stop path releases the semaphore waited on.
class Good7 {
  std::atomic<bool> running_{true};
  std::counting_semaphore<8> items_{0};
  std::thread t_;
  void loop() {
    while (running_) {
      items_.acquire();
    }
  }
public:
  Good7() : t_(&Good7::loop, this) {}
  ~Good7() {
    running_ = false;
    items_.release();
    t_.join();
  }
};

// The loop tests a local, which no stop path can write.
void localFlag() {
  std::mutex m;
  std::condition_variable cv;
  std::thread t([&] {
    bool more = true;
    while (more) {
      std::unique_lock<std::mutex> l(m);
      cv.wait(l);
      more = false;
    }
  });
  cv.notify_one();
  t.join();
}

// A future returned by a call (an RPC) is not owned by the task even though
// it is a local; waiting on it without a deadline blocks on an outside party
// (blocking-wait-ignores-stop-token-future.cpp has more).
std::future<int> sendRequest();
class RpcClient {
  std::atomic<bool> stop_{false};
  std::thread t_;
  void run() {
    while (!stop_) {
      std::future<int> reply = sendRequest();
      reply.get();
      // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'std::future::get' blocks and setting 'stop_' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
      // CHECK-MESSAGES: :[[@LINE+5]]:23: note: the stop path sets 'stop_' here but does not wake the wait
    }
  }
public:
  RpcClient() : t_([this] { run(); }) {}
  void stop() { stop_ = true; }
};

// FIXME: should warn: POSIX waits are calls, not member calls, and are not
// looked at (pthread_cond_wait in a flag loop whose stop path never signals).
#include <pthread.h>
class PosixWorker {
  std::atomic<bool> stop_{false};
  pthread_mutex_t m_ = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t cv_ = PTHREAD_COND_INITIALIZER;
  void run() {
    while (!stop_) {
      pthread_mutex_lock(&m_);
      pthread_cond_wait(&cv_, &m_);
      pthread_mutex_unlock(&m_);
    }
  }
public:
  void stop() { stop_ = true; }
};
