// RUN: %check_taskleak %s taskleak-lost-wakeup %t

// Fix-its of taskleak-lost-wakeup, compiled after they are applied:
//  * a wait condition written without the mutex, then notified: the write
//    (a statement of its own) is wrapped in a lock guard of the waiter's
//    mutex, `{ std::lock_guard<std::mutex> lk(m_); stop_ = true; }`;
//  * notify_one on close with several waiters: notify_all.
// No fix where the mutex cannot be named at the write, or the write is not
// a statement of its own.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

class Member {
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_.load(); });
  }
  void stop() {
    stop_ = true;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'stop_' is written without holding 'm_', so a notification on 'cv_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-5]]:9: note: the waiter checks 'stop_' under 'm_' here
    // CHECK-FIXES: {{^}}    { std::lock_guard<std::mutex> lk(m_); stop_ = true; }
    cv_.notify_all();
  }
};

// The write names `lk`: the guard is called `lk_`.
class NameClash {
  int lk = 0;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return lk > 0; });
  }
  void bump() {
    lk = 1;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'lk' is written without holding 'm_', so a notification on 'cv_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-5]]:9: note: the waiter checks 'lk' under 'm_' here
    // CHECK-FIXES: {{^}}    { std::lock_guard<std::mutex> lk_(m_); lk = 1; }
    cv_.notify_one();
  }
};

// A recursive mutex: the guard is of its type.
std::recursive_mutex gM;
std::condition_variable_any gCv;
bool gReady = false;
void gWait() {
  std::unique_lock<std::recursive_mutex> l(gM);
  gCv.wait(l, [] { return gReady; });
}
void gSet() {
  gReady = true;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'gReady' is written without holding 'gM', so a notification on 'gCv' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
  // CHECK-MESSAGES: :[[@LINE-5]]:7: note: the waiter checks 'gReady' under 'gM' here
  // CHECK-FIXES: {{^}}  { std::lock_guard<std::recursive_mutex> lk(gM); gReady = true; }
  gCv.notify_all();
}

// Through a pointer to shared state: the mutex is not nameable as `m`
// there, so the warning comes without a fix.
struct State {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
};
void finish(State *s) {
  s->done = true;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'done' is written without holding 'm', so a notification on 'cv' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
  // CHECK-MESSAGES: :[[@LINE+6]]:9: note: the waiter checks 'done' under 'm' here
  // CHECK-FIXES: {{^}}  s->done = true;
  s->cv.notify_all();
}
void waitDone(State *s) {
  std::unique_lock<std::mutex> l(s->m);
  s->cv.wait(l, [s] { return s->done; });
}

// notify_one -> notify_all on close.
class Pool {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::thread> workers_;
public:
  explicit Pool(int n) {
    for (int i = 0; i < n; ++i)
      workers_.emplace_back([this] {
        std::unique_lock<std::mutex> l(m_);
        cv_.wait(l, [this] { return stop_; });
      });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> g(m_);
      stop_ = true;
    }
    cv_.notify_one();
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: setting 'stop_' wakes only one of the threads waiting on 'cv_'; the others sleep through it [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-12]]:7: note: several threads that wait on 'cv_' are started here, in a loop
    // CHECK-FIXES: {{^}}    cv_.notify_all();
    for (std::thread &w : workers_)
      w.join();
  }
};
