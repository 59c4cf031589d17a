// RUN: %check_taskleak %s taskleak-unjoined-thread %t

// Issue 9: every path that destroys a joinable thread.
//  * a `throw` between the start and the join leaves the scope (unless a
//    `try` of the function catches it);
//  * a thread member whose destructor joins it only on some paths (a
//    condition other than joinable()), or that is joined only in a stop()
//    the destructor does not call;
//  * a helper that takes std::thread& and joins it is a join.

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <boost/thread.hpp>

void work();
bool failed();
bool ready();
int next_id();
void log_error();
void own(std::thread t);

void join_it(std::thread &t) { t.join(); }
void join_if_joinable(std::thread &t) {
  if (t.joinable())
    t.join();
}
void join_sometimes(std::thread &t) {
  if (ready())
    t.join();
}

// ===========================================================================
// Positive cases: a throw leaves the scope
// ===========================================================================

void throw_in_branch() {
  std::thread t(work);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  if (failed())
    throw std::runtime_error("failed");
  // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 't' is still joinable when the exception thrown here leaves its scope
  t.join();
}

void throw_in_loop() {
  std::thread t(work);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  for (int i = 0; i < 3; ++i)
    if (next_id() < 0)
      throw std::runtime_error("bad id");
  // CHECK-MESSAGES: :[[@LINE-1]]:7: note: 't' is still joinable when the exception thrown here leaves its scope
  t.join();
}

void throw_in_switch() {
  std::thread t(work);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  switch (next_id()) {
  case 0:
    throw std::logic_error("zero");
  // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 't' is still joinable when the exception thrown here leaves its scope
  default:
    break;
  }
  t.join();
}

// Hard case: the catch handler rethrows without joining.
void rethrow_in_handler() {
  std::thread t(work);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  try {
    if (failed())
      throw std::runtime_error("failed");
  } catch (...) {
    log_error();
    throw;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 't' is still joinable when the exception thrown here leaves its scope
  }
  t.join();
}

// Hard case: joined on one branch, then a throw.
void join_on_one_branch_then_throw() {
  std::thread t(work);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  if (ready())
    t.join();
  if (failed())
    throw std::runtime_error("failed");
  // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 't' is still joinable when the exception thrown here leaves its scope
}

// Started by assignment, a throw in a nested block.
void assigned_then_throw() {
  std::thread t;
  t = std::thread(work);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  {
    if (failed())
      throw std::runtime_error("failed");
    // CHECK-MESSAGES: :[[@LINE-1]]:7: note: 't' is still joinable when the exception thrown here leaves its scope
  }
  t.join();
}

// A throw in a do-while.
void throw_in_do_while() {
  std::thread t(work);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  do {
    if (next_id() == 0)
      throw 42;
    // CHECK-MESSAGES: :[[@LINE-1]]:7: note: 't' is still joinable when the exception thrown here leaves its scope
  } while (ready());
  t.join();
}

// A helper join is a join: the early return is now seen (the helper call
// was an escape before).
void helper_join_after_return() {
  std::thread t(work);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  if (failed())
    return;
  // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 't' is still joinable when the function returns here
  join_it(t);
}

// ===========================================================================
// Negative cases: throws
// ===========================================================================

// Joined before the throw.
void join_then_throw() {
  std::thread t(work);
  if (failed()) {
    t.join();
    throw std::runtime_error("failed");
  }
  t.join();
}

// Hard negative: the throw is caught in the function, the join follows.
void caught_locally() {
  std::thread t(work);
  try {
    if (failed())
      throw std::runtime_error("failed");
  } catch (const std::exception &) {
    log_error();
  }
  t.join();
}

// The handler joins before rethrowing.
void handler_joins() {
  std::thread t(work);
  try {
    if (failed())
      throw std::runtime_error("failed");
  } catch (...) {
    t.join();
    throw;
  }
  t.join();
}

// The throw comes before the start.
void throw_before_start() {
  if (failed())
    throw std::runtime_error("failed");
  std::thread t(work);
  t.join();
}

// Hard negative: the throw is in a lambda, another function.
void throw_in_lambda() {
  std::thread t(work);
  auto check = [] {
    if (failed())
      throw std::runtime_error("failed");
  };
  (void)check;
  t.join();
}

// Hard negative: the throw is only taken when t is not joinable.
void throw_when_not_joinable() {
  std::thread t(work);
  if (!t.joinable())
    throw std::logic_error("not started");
  t.join();
}

// Detached or moved away before the throw.
void detach_then_throw() {
  std::thread t(work);
  t.detach();
  if (failed())
    throw std::runtime_error("failed");
}
void move_then_throw() {
  std::thread t(work);
  own(std::move(t));
  if (failed())
    throw std::runtime_error("failed");
}

// std::jthread joins in its destructor; boost::thread detaches.
void jthread_throw() {
  std::jthread t(work);
  if (failed())
    throw std::runtime_error("failed");
}
void boost_throw() {
  boost::thread t(work);
  if (failed())
    throw std::runtime_error("failed");
  t.join();
}

// Helpers that join on every path are joins.
void helper_joins() {
  std::thread t(work);
  work();
  join_it(t);
}
void helper_joins_if_joinable() {
  std::thread t(work);
  if (failed()) {
    join_if_joinable(t);
    throw std::runtime_error("failed");
  }
  join_if_joinable(t);
}

// Hard negative: a helper that joins only sometimes stays an escape (we do
// not know what the caller relies on).
void helper_joins_sometimes() {
  std::thread t(work);
  if (failed())
    return;
  join_sometimes(t);
}

// ===========================================================================
// Positive cases: thread members
// ===========================================================================

// The destructor joins only if a flag says so.
class Pump {
public:
  Pump() : worker_([] { work(); }) {}
  ~Pump() {
    if (!done_)
      worker_.join();
  }
  void finish() { done_ = true; }

private:
  std::thread worker_;
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread member 'worker_' may still be joinable when 'Pump' is destroyed; its destructor then calls std::terminate [taskleak-unjoined-thread]
  // CHECK-MESSAGES: :[[@LINE-7]]:7: note: the destructor joins 'worker_' only on some paths
  bool done_ = false;
};

// The only join is in stop(); the implicit destructor does not call it.
class Server {
public:
  void start() { worker_ = std::thread([this] { serve(); }); }
  void stop() {
    running_ = false;
    worker_.join();
  }

private:
  void serve() {
    while (running_)
      work();
  }
  std::atomic<bool> running_{true};
  std::thread worker_;
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread member 'worker_' may still be joinable when 'Server' is destroyed; its destructor then calls std::terminate [taskleak-unjoined-thread]
  // CHECK-MESSAGES: :[[@LINE-11]]:5: note: 'worker_' is joined only in 'stop', which the destructor does not call
};

// A user destructor that does other work but not the stop().
class Logger {
public:
  Logger() : writer_([this] { drain(); }) {}
  ~Logger() { flushed_ = true; }
  void shutdown() {
    if (writer_.joinable())
      writer_.join();
  }

private:
  void drain() { work(); }
  bool flushed_ = false;
  std::thread writer_;
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread member 'writer_' may still be joinable when 'Logger' is destroyed; its destructor then calls std::terminate [taskleak-unjoined-thread]
  // CHECK-MESSAGES: :[[@LINE-8]]:7: note: 'writer_' is joined only in 'shutdown', which the destructor does not call
};

// Hard case: the destructor calls stop() only under a condition.
class Poller {
public:
  void start() { t_ = std::thread(work); started_ = true; }
  void stop() { t_.join(); }
  ~Poller() {
    if (started_ && !ready())
      stop();
  }

private:
  bool started_ = false;
  std::thread t_;
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread member 't_' may still be joinable when 'Poller' is destroyed; its destructor then calls std::terminate [taskleak-unjoined-thread]
  // CHECK-MESSAGES: :[[@LINE-7]]:7: note: the destructor joins 't_' only on some paths
};

// The destructor returns early on some path.
class Uploader {
public:
  Uploader() : t_(work) {}
  ~Uploader() {
    if (failed())
      return;
    t_.join();
  }

private:
  std::thread t_;
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread member 't_' may still be joinable when 'Uploader' is destroyed; its destructor then calls std::terminate [taskleak-unjoined-thread]
  // CHECK-MESSAGES: :[[@LINE-6]]:5: note: the destructor joins 't_' only on some paths
};

// The join is in a helper called from stop() only.
class Indexer final {
public:
  void start() { t_ = std::thread(work); }
  void stop() { join_worker(); }

private:
  void join_worker() { t_.join(); }
  std::thread t_;
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread member 't_' may still be joinable when 'Indexer' is destroyed; its destructor then calls std::terminate [taskleak-unjoined-thread]
  // CHECK-MESSAGES: :[[@LINE-3]]:24: note: 't_' is joined only in 'join_worker', which the destructor does not call
};

// Joined through a helper taking std::thread&, but only in close().
class Mixer {
public:
  Mixer() : t_(work) {}
  void close() { join_it(t_); }

private:
  std::thread t_;
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread member 't_' may still be joinable when 'Mixer' is destroyed; its destructor then calls std::terminate [taskleak-unjoined-thread]
  // CHECK-MESSAGES: :[[@LINE-5]]:18: note: 't_' is joined only in 'close', which the destructor does not call
};

// A defaulted destructor.
class Sampler {
public:
  ~Sampler() = default;
  void start() { t_ = std::thread(work); }
  void stop() { t_.join(); }

private:
  std::thread t_;
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread member 't_' may still be joinable when 'Sampler' is destroyed; its destructor then calls std::terminate [taskleak-unjoined-thread]
  // CHECK-MESSAGES: :[[@LINE-5]]:17: note: 't_' is joined only in 'stop', which the destructor does not call
};

// ===========================================================================
// Negative cases: thread members
// ===========================================================================

// The destructor calls the function that joins.
class StopsInDestructor {
public:
  void start() { t_ = std::thread(work); }
  void stop() {
    if (t_.joinable())
      t_.join();
  }
  ~StopsInDestructor() { stop(); }

private:
  std::thread t_;
};

// Joined under joinable() in the destructor.
class JoinableGuard {
public:
  JoinableGuard() : t_(work) {}
  ~JoinableGuard() {
    if (t_.joinable())
      t_.join();
  }

private:
  std::thread t_;
};

// Hard negative: an early return only when not joinable.
class EarlyReturnWhenDone {
public:
  EarlyReturnWhenDone() : t_(work) {}
  ~EarlyReturnWhenDone() {
    if (!t_.joinable())
      return;
    t_.join();
  }

private:
  std::thread t_;
};

// Hard negative: the destructor's condition is a flag that the function
// starting the thread sets (tied to the spawn).
class FlagTied {
public:
  void start() {
    running_ = true;
    t_ = std::thread(work);
  }
  ~FlagTied() {
    if (running_) {
      running_ = false;
      t_.join();
    }
  }

private:
  bool running_ = false;
  std::thread t_;
};

// Hard negative: the same with an early return and an atomic flag.
class FlagTiedEarlyReturn {
public:
  void start() {
    running_.store(true);
    t_ = std::thread(work);
  }
  ~FlagTiedEarlyReturn() {
    if (!running_.load())
      return;
    running_ = false;
    t_.join();
  }

private:
  std::atomic<bool> running_{false};
  std::thread t_;
};

// Hard negative: a conditional stop() on a flag set with the spawn.
class FlagTiedStop {
public:
  void start() {
    t_ = std::thread(work);
    started_ = true;
  }
  void stop() { t_.join(); }
  ~FlagTiedStop() {
    if (started_)
      stop();
  }

private:
  bool started_ = false;
  std::thread t_;
};

// A std::jthread member joins itself.
class UsesJthread {
public:
  void start() { t_ = std::jthread(work); }
  void stop() { t_.join(); }

private:
  std::jthread t_;
};

// Detached somewhere: released another way.
class DetachesOnStop {
public:
  void start() { t_ = std::thread(work); }
  void stop() { t_.detach(); }

private:
  std::thread t_;
};

// Hard negative: a polymorphic base; a derived destructor may call stop().
class Base {
public:
  virtual ~Base() = default;

protected:
  void start() { t_ = std::thread(work); }
  void stop() { t_.join(); }

private:
  std::thread t_;
};
class Derived : public Base {
public:
  Derived() { start(); }
  ~Derived() override { stop(); }
};

// The destructor calls a helper that calls the joining function.
class Chain {
public:
  Chain() : t_(work) {}
  ~Chain() { shutdown(); }

private:
  void shutdown() { join_all(); }
  void join_all() { t_.join(); }
  std::thread t_;
};

// Never started in the class: a thread handed in is the caller's business.
class Adopter {
public:
  void adopt(std::thread t) { t_ = std::move(t); }
  void stop() { t_.join(); }

private:
  std::thread t_;
};

// The destructor joins through a helper taking std::thread&.
class HelperInDestructor {
public:
  HelperInDestructor() : t_(work) {}
  ~HelperInDestructor() { join_if_joinable(t_); }

private:
  std::thread t_;
};

// Known misses.
// A container of thread members is not a thread member.
class FixmePool {
public:
  void start() { workers_.emplace_back(work); }
  void stop() {
    for (auto &t : workers_)
      t.join();
  }

private:
  std::vector<std::thread> workers_; // FIXME: should warn (joined only in stop)
};
