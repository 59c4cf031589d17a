// Minimal stand-in for <boost/thread.hpp> used by the taskleak lit tests.
// Only the names taskleak matches (by qualified name); not a working Boost.Thread.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <tuple>
#include <type_traits>
#include <utility>

namespace boost {

namespace chrono {
using std::chrono::duration;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;
using std::chrono::system_clock;
using std::chrono::time_point;
} // namespace chrono

class thread_interrupted {};

class thread {
public:
  class id {
  public:
    bool operator==(const id &) const noexcept { return true; }
  };

  thread() noexcept = default;
  template <typename F, typename... Args,
            typename = std::enable_if_t<
                !std::is_same_v<std::decay_t<F>, thread>>>
  explicit thread(F &&f, Args &&...args) {
    (void)sizeof...(args);
    (void)f;
    joinable_ = true;
  }
  thread(const thread &) = delete;
  thread &operator=(const thread &) = delete;
  thread(thread &&other) noexcept
      : joinable_(std::exchange(other.joinable_, false)) {}
  thread &operator=(thread &&other) noexcept {
    joinable_ = std::exchange(other.joinable_, false);
    return *this;
  }
  ~thread() {}

  bool joinable() const noexcept { return joinable_; }
  void join() { joinable_ = false; }
  void detach() { joinable_ = false; }
  void interrupt() {}
  bool interruption_requested() const noexcept { return false; }
  id get_id() const noexcept { return id(); }

private:
  bool joinable_ = false;
};

namespace this_thread {
// Interruption points.
void interruption_point();
template <typename Rep, typename Period>
void sleep_for(const chrono::duration<Rep, Period> &d) {
  (void)d;
}
template <typename Clock, typename Duration>
void sleep_until(const chrono::time_point<Clock, Duration> &t) {
  (void)t;
}
// Not interruption points.
bool interruption_requested() noexcept;
bool interruption_enabled() noexcept;
void yield() noexcept;
thread::id get_id() noexcept;
} // namespace this_thread

class mutex {
public:
  mutex() = default;
  mutex(const mutex &) = delete;
  mutex &operator=(const mutex &) = delete;
  void lock() {}
  bool try_lock() { return true; }
  void unlock() {}
};

template <typename Mutex> using unique_lock = std::unique_lock<Mutex>;
template <typename Mutex> using lock_guard = std::lock_guard<Mutex>;

class condition_variable {
public:
  void notify_one() noexcept {}
  void notify_all() noexcept {}
  void wait(unique_lock<mutex> &lock) { (void)lock; }
  template <typename Predicate>
  void wait(unique_lock<mutex> &lock, Predicate pred) {
    while (!pred())
      wait(lock);
  }
};

class condition_variable_any {
public:
  void notify_one() noexcept {}
  void notify_all() noexcept {}
  template <typename Lock> void wait(Lock &lock) { (void)lock; }
  template <typename Lock, typename Predicate>
  void wait(Lock &lock, Predicate pred) {
    while (!pred())
      wait(lock);
  }
};

} // namespace boost
