// Minimal stand-in for <boost/thread/latch.hpp> used by the taskleak lit
// tests. Not a working Boost.Thread.
#pragma once

#include <chrono>
#include <cstddef>

namespace boost {

enum class cv_status { no_timeout, timeout };

class latch {
public:
  explicit latch(std::size_t count) : count_(count) {}
  latch(const latch &) = delete;
  latch &operator=(const latch &) = delete;
  ~latch() {}

  void wait() {}
  bool try_wait() { return count_ == 0; }
  template <typename Rep, typename Period>
  cv_status wait_for(const std::chrono::duration<Rep, Period> &rel_time) {
    (void)rel_time;
    return cv_status::no_timeout;
  }
  void count_down() { --count_; }
  void count_down_and_wait() { --count_; }
  void reset(std::size_t count) { count_ = count; }

private:
  std::size_t count_;
};

} // namespace boost
