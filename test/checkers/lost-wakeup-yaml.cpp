// RUN: %check_taskleak -model=%S/Inputs/rtsync.taskleak.yaml %s taskleak-lost-wakeup %t

// A library described only by a YAML model (Inputs/rtsync.taskleak.yaml):
// rt::Event is a condition variable (wait / signal / broadcast), rt::SpinLock
// a mutex whose guard is rt::Guard, rt::Holder a guard that can be deferred
// and unlocked, rt::spawn starts a task.

#include <atomic>
#include <rtsync.h>

// --- Positives ---------------------------------------------------------------

class Service {
  std::atomic<bool> stopping_{false};
  rt::SpinLock lock_;
  rt::Event wake_;
public:
  void serve() {
    rt::Guard<rt::SpinLock> g(lock_);
    wake_.wait(g, [this] { return stopping_.load(); });
  }
  void shutdown() {
    stopping_ = true;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'stopping_' is written without holding 'lock_', so a notification on 'wake_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-5]]:11: note: the waiter checks 'stopping_' under 'lock_' here
    wake_.broadcast();
  }
};

// A Holder constructed deferred does not hold the lock.
class Deferred {
  int ticket_ = 0;
  rt::SpinLock lock_;
  rt::Event ev_;
public:
  void waitTicket() {
    rt::Holder<rt::SpinLock> h(lock_);
    ev_.wait(h, [this] { return ticket_ > 0; });
  }
  void issue() {
    rt::Holder<rt::SpinLock> h(lock_, rt::deferred);
    ++ticket_;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'ticket_' is written without holding 'lock_', so a notification on 'ev_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-6]]:9: note: the waiter checks 'ticket_' under 'lock_' here
    ev_.signal();
  }
};

// Workers started by the library's spawn in a loop; the close signals one.
class Workers {
  bool closed_ = false;
  rt::SpinLock lock_;
  rt::Event ev_;
  void work() {
    rt::Guard<rt::SpinLock> g(lock_);
    ev_.wait(g, [this] { return closed_; });
  }
public:
  void start(int n) {
    for (int i = 0; i < n; ++i)
      rt::spawn([this] { work(); });
  }
  void close() {
    {
      rt::Guard<rt::SpinLock> g(lock_);
      closed_ = true;
    }
    ev_.signal();
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: setting 'closed_' wakes only one of the threads waiting on 'ev_'; the others sleep through it [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-9]]:7: note: several threads that wait on 'ev_' are started here, in a loop
  }
};

// --- Negatives ---------------------------------------------------------------

// Written under the library's guard.
class GoodService {
  bool stopping_ = false;
  rt::SpinLock lock_;
  rt::Event wake_;
public:
  void serve() {
    rt::Guard<rt::SpinLock> g(lock_);
    wake_.wait(g, [this] { return stopping_; });
  }
  void shutdown() {
    {
      rt::Guard<rt::SpinLock> g(lock_);
      stopping_ = true;
    }
    wake_.broadcast();
  }
};

// Deferred, then locked before the write.
class DeferredThenLocked {
  int ticket_ = 0;
  rt::SpinLock lock_;
  rt::Event ev_;
public:
  void waitTicket() {
    rt::Holder<rt::SpinLock> h(lock_);
    ev_.wait(h, [this] { return ticket_ > 0; });
  }
  void issue() {
    rt::Holder<rt::SpinLock> h(lock_, rt::deferred);
    h.lock();
    ++ticket_;
    h.unlock();
    ev_.signal();
  }
};

// acquire()/release() on the lock itself.
class ByHand {
  std::atomic<bool> stopping_{false};
  rt::SpinLock lock_;
  rt::Event wake_;
public:
  void serve() {
    rt::Guard<rt::SpinLock> g(lock_);
    wake_.wait(g, [this] { return stopping_.load(); });
  }
  void shutdown() {
    lock_.acquire();
    stopping_ = true;
    lock_.release();
    wake_.broadcast();
  }
};

// A timed wait (wait_ms) in a loop: a bounded delay.
class Timed {
  std::atomic<bool> stopping_{false};
  rt::SpinLock lock_;
  rt::Event wake_;
public:
  void serve() {
    rt::Holder<rt::SpinLock> h(lock_);
    while (!stopping_)
      wake_.wait_ms(h, 50);
  }
  void shutdown() {
    stopping_ = true;
    wake_.broadcast();
  }
};

// One task started by the library's spawn: signal() is enough.
class OneTask {
  bool closed_ = false;
  rt::SpinLock lock_;
  rt::Event ev_;
  void work() {
    rt::Guard<rt::SpinLock> g(lock_);
    ev_.wait(g, [this] { return closed_; });
  }
public:
  void start() { rt::spawn([this] { work(); }); }
  void close() {
    {
      rt::Guard<rt::SpinLock> g(lock_);
      closed_ = true;
    }
    ev_.signal();
  }
};

// A function annotated as requiring the lock (Clang's thread-safety
// attributes): its callers hold it.
class Annotated {
  bool stopping_ = false;
  rt::SpinLock lock_;
  rt::Event wake_;
public:
  void serve() {
    rt::Guard<rt::SpinLock> g(lock_);
    wake_.wait(g, [this] { return stopping_; });
  }
  void stopHeld() __attribute__((requires_capability(lock_))) {
    stopping_ = true;
    wake_.broadcast();
  }
};
