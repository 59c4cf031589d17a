// RUN: %check_taskleak %s taskleak-unjoined-thread %t

// std::thread objects destroyed while joinable: a local that some path takes
// out of its scope without join/detach/move, and a private member that no
// member function of its class joins, detaches or moves.

#include <atomic>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <boost/thread.hpp>

void work();
void work_on(int id);
bool failed();
bool ready();
int next_id();
void log_error();
void adopt(std::thread &t);
void inspect(const std::thread &t);
void own(std::thread t);
[[noreturn]] void fatal(const char *msg);

template <typename F> struct ScopeExit {
  F f;
  ~ScopeExit() { f(); }
};

// ===========================================================================
// Positive cases
// ===========================================================================

// The classic: an early return between the spawn and the join.
void early_return() {
  std::thread t(work);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  if (failed())
    return;
  // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 't' is still joinable when the function returns here
  t.join();
}

// A lambda task, and a return with a value.
int early_return_value() {
  std::thread t([] { work(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  int id = next_id();
  if (id < 0) {
    log_error();
    return -1;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 't' is still joinable when the function returns here
  }
  t.join();
  return id;
}

// continue out of the scope of a thread declared in a loop body.
void continue_in_loop(int n) {
  for (int i = 0; i < n; ++i) {
    std::thread t(work_on, i);
    // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
    if (failed())
      continue;
      // CHECK-MESSAGES: :[[@LINE-1]]:7: note: 't' is still joinable when 'continue' leaves its scope here
    t.join();
  }
}

// break out of the loop whose body holds the thread.
void break_in_loop() {
  while (ready()) {
    std::thread t(work);
    // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
    if (failed())
      break;
      // CHECK-MESSAGES: :[[@LINE-1]]:7: note: 't' is still joinable when 'break' leaves its scope here
    t.join();
  }
}

// Move-assigned a new thread, then an early return.
void assigned_later(bool background) {
  std::thread t;
  if (background)
    t = std::thread(work);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  if (failed())
    return;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 't' is still joinable when the function returns here
  if (t.joinable())
    t.join();
}

// Never joined at all.
void forgotten() {
  std::thread t(work);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  work();
}
// CHECK-MESSAGES: :[[@LINE-1]]:1: note: 't' is still joinable at the end of its scope on this path

// The early return is inside a nested loop.
void return_from_nested_loop(const std::vector<int> &ids) {
  std::thread t(work);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  for (int id : ids) {
    if (id == 0)
      return;
      // CHECK-MESSAGES: :[[@LINE-1]]:7: note: 't' is still joinable when the function returns here
  }
  t.join();
}

// A member that no member function joins, detaches or moves.
class Heartbeat {
public:
  void start() {
    worker_ = std::thread([this] {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: thread member 'worker_' is started here but no member function of 'Heartbeat' joins, detaches or moves it; destroying the object then calls std::terminate [taskleak-unjoined-thread]
      while (running_)
        work();
    });
  }
  void stop() { running_ = false; }

private:
  std::atomic<bool> running_{true};
  std::thread worker_;
  // CHECK-MESSAGES: :[[@LINE-1]]:15: note: 'worker_' declared here
};

// A member started in the constructor's initializer list.
class Collector {
public:
  Collector() : worker_([] { work(); }) {}
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: thread member 'worker_' is started here but no member function of 'Collector' joins, detaches or moves it; destroying the object then calls std::terminate [taskleak-unjoined-thread]
  bool running() const { return worker_.joinable(); }

private:
  std::thread worker_;
  // CHECK-MESSAGES: :[[@LINE-1]]:15: note: 'worker_' declared here
};

// ===========================================================================
// Negative cases
// ===========================================================================

// A join under a condition that is tied to the spawn by a flag: falling
// off the end of the scope past a conditional join is not reported.
void correlated_flag(bool async) {
  std::thread t;
  if (async)
    t = std::thread(work);
  work();
  if (async)
    t.join();
}

// The same without a visible tie (a gap: also not reported).
void joined_on_one_branch() {
  std::thread t(work);
  if (ready())
    t.join();
}

// Joined on every path.
void joined_everywhere() {
  std::thread t(work);
  if (failed()) {
    t.join();
    return;
  }
  t.join();
}

// `if (t.joinable()) t.join();` handles it.
void joinable_guard() {
  std::thread t(work);
  if (failed()) {
    if (t.joinable())
      t.join();
    return;
  }
  t.join();
}

// Negated guard with an early return.
void negated_joinable_guard() {
  std::thread t(work);
  work();
  if (!t.joinable())
    return;
  t.join();
}

// Detached on the early path.
void detached_early() {
  std::thread t(work);
  if (failed()) {
    t.detach();
    return;
  }
  t.join();
}

// Moved into a container.
void moved_into_vector(std::vector<std::thread> &pool) {
  std::thread t(work);
  if (failed()) {
    pool.push_back(std::move(t));
    return;
  }
  t.join();
}

// Returned: the caller owns it.
std::thread returned() {
  std::thread t(work);
  if (failed())
    return t;
  t.join();
  return std::thread();
}

// Handed to a function by value.
void handed_over() {
  std::thread t(work);
  own(std::move(t));
}

// Swapped with a member of a longer-lived owner.
void swapped(std::thread &slot) {
  std::thread t(work);
  t.swap(slot);
}

// std::swap.
void std_swapped(std::thread &slot) {
  std::thread t(work);
  std::swap(t, slot);
}

// Passed by non-const reference to a function we do not see: assumed handled.
void passed_by_reference() {
  std::thread t(work);
  adopt(t);
  if (failed())
    return;
  t.join();
}

// Its address is taken.
void address_taken(std::thread **out) {
  std::thread t(work);
  *out = &t;
  if (failed())
    return;
  t.join();
}

// Captured by reference by a scope guard that joins it.
void scope_guard() {
  std::thread t(work);
  auto join = [&t] { t.join(); };
  ScopeExit<decltype(join)> guard{join};
  if (failed())
    return;
}

// Bound to a reference.
void bound_to_reference() {
  std::thread t(work);
  std::thread &r = t;
  if (failed())
    return;
  r.join();
}

// A const reference does not change anything, but the join is everywhere.
void const_reference_use() {
  std::thread t(work);
  inspect(t);
  t.join();
}

// The early path ends the process.
void early_abort() {
  std::thread t(work);
  if (failed())
    std::abort();
  if (!ready())
    fatal("not ready");
  t.join();
}

// The early path throws: the exception leaves t's scope with t joinable, and
// its destructor calls std::terminate (issue 9; a negative case while throw
// statements were not followed).
void early_throw() {
  std::thread t(work);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  if (failed())
    throw std::runtime_error("failed");
  // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 't' is still joinable when the exception thrown here leaves its scope
  t.join();
}

// Default-constructed and never started.
void never_started() {
  std::thread t;
  if (failed())
    return;
}

// Started only after the early return.
void started_after_return() {
  if (failed())
    return;
  std::thread t(work);
  t.join();
}

// break out of a loop that is inside the thread's scope.
void break_inside_scope() {
  std::thread t(work);
  while (ready()) {
    if (failed())
      break;
    work();
  }
  t.join();
}

// The loop the thread lives in is left only after the join.
void loop_with_join(int n) {
  for (int i = 0; i < n; ++i) {
    std::thread t(work_on, i);
    if (failed()) {
      t.join();
      continue;
    }
    t.join();
  }
}

// The function never returns after the spawn.
void serve_forever() {
  std::thread t(work);
  for (;;)
    work();
}

// std::jthread joins in its destructor.
void jthread_early_return() {
  std::jthread t(work);
  if (failed())
    return;
  t.join();
}

// boost::thread detaches in its destructor (Boost.Thread's default).
void boost_thread_early_return() {
  boost::thread t(work);
  if (failed())
    return;
  t.join();
}

// Threads in a container are not analysed.
void container_of_threads() {
  std::vector<std::thread> pool;
  pool.emplace_back(work);
  if (failed())
    return;
  for (auto &t : pool)
    t.join();
}

// A member joined in the destructor.
class Joined {
public:
  Joined() : worker_([] { work(); }) {}
  ~Joined() {
    if (worker_.joinable())
      worker_.join();
  }

private:
  std::thread worker_;
};

// A member detached where it is started.
class DetachedMember {
public:
  void start() {
    worker_ = std::thread(work);
    worker_.detach();
  }

private:
  std::thread worker_;
};

// A member with a member function defined elsewhere: it may join it.
class Elsewhere {
public:
  void start() { worker_ = std::thread(work); }
  void stop();

private:
  std::thread worker_;
};

// A public member: code outside the class may join it.
struct PublicMember {
  void start() { worker_ = std::thread(work); }
  std::thread worker_;
};

// A member handed out by reference.
class HandsOut {
public:
  void start() { worker_ = std::thread(work); }
  std::thread &thread() { return worker_; }

private:
  std::thread worker_;
};

// A member moved out to an owner that joins it.
class MovesOut {
public:
  void start() { worker_ = std::thread(work); }
  std::thread release() { return std::move(worker_); }

private:
  std::thread worker_;
};

// A class template: not analysed.
template <typename T> class Templated {
public:
  void start() { worker_ = std::thread(work); }

private:
  std::thread worker_;
};
Templated<int> templated_instance;

// ===========================================================================
// Exits expanded from macros
// ===========================================================================

// A test framework's fatal assertion returns from the test function: not
// reported by default (option IgnoredExitMacros, default
// "^(ASSERT_|GTEST_|REQUIRE|CATCH_REQUIRE)"), at any depth of expansion.
#define GTEST_FATAL_FAILURE_(msg) return
#define ASSERT_TRUE(c) if (!(c)) GTEST_FATAL_FAILURE_("failed")
void test_body_with_assertion() {
  std::thread server([] { work(); });
  ASSERT_TRUE(ready());
  server.join();
}

// Any other macro's return is an early return like any other.
#define RETURN_IF_FAILED() if (failed()) return
void service_macro_return() {
  std::thread t([] { work(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  RETURN_IF_FAILED();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: 't' is still joinable when the function returns here
  t.join();
}

// Issue 9 (lifetime), known misses pinned.
void throw_between_start_and_join() {
  std::thread t(work);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  if (failed())
    throw std::runtime_error("failed");
  // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 't' is still joinable when the exception thrown here leaves its scope
  t.join();
}

class ConditionalJoin {
  std::thread worker_{work}; // joined only if !done_
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread member 'worker_' may still be joinable when 'ConditionalJoin' is destroyed; its destructor then calls std::terminate [taskleak-unjoined-thread]
  bool done_ = false;

public:
  ~ConditionalJoin() {
    if (!done_)
      worker_.join();
    // CHECK-MESSAGES: :[[@LINE-1]]:7: note: the destructor joins 'worker_' only on some paths
  }
};
