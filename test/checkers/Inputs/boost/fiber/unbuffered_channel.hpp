// Minimal stand-in for <boost/fiber/unbuffered_channel.hpp> used by the
// taskleak lit tests. Not a working Boost.Fiber. An unbuffered channel has no
// capacity: every push waits for a pop.
#pragma once

#include <boost/fiber/channel_op_status.hpp>

#include <chrono>
#include <utility>

namespace boost {
namespace fibers {

template <typename T> class unbuffered_channel {
public:
  using value_type = T;

  unbuffered_channel() = default;
  unbuffered_channel(const unbuffered_channel &) = delete;
  unbuffered_channel &operator=(const unbuffered_channel &) = delete;
  ~unbuffered_channel() {}

  bool is_closed() const noexcept { return closed_; }
  void close() noexcept { closed_ = true; }

  channel_op_status push(const value_type &value) {
    (void)value;
    return channel_op_status::success;
  }
  channel_op_status push(value_type &&value) {
    (void)value;
    return channel_op_status::success;
  }
  template <typename Rep, typename Period>
  channel_op_status
  push_wait_for(const value_type &value,
                const std::chrono::duration<Rep, Period> &timeout) {
    (void)value;
    (void)timeout;
    return channel_op_status::success;
  }
  template <typename Clock, typename Duration>
  channel_op_status
  push_wait_until(const value_type &value,
                  const std::chrono::time_point<Clock, Duration> &deadline) {
    (void)value;
    (void)deadline;
    return channel_op_status::success;
  }

  channel_op_status pop(value_type &value) {
    value = value_type();
    return channel_op_status::success;
  }
  value_type value_pop() { return value_type(); }
  template <typename Rep, typename Period>
  channel_op_status
  pop_wait_for(value_type &value,
               const std::chrono::duration<Rep, Period> &timeout) {
    (void)value;
    (void)timeout;
    return channel_op_status::timeout;
  }
  template <typename Clock, typename Duration>
  channel_op_status
  pop_wait_until(value_type &value,
                 const std::chrono::time_point<Clock, Duration> &deadline) {
    (void)value;
    (void)deadline;
    return channel_op_status::timeout;
  }

private:
  bool closed_ = false;
};

} // namespace fibers
} // namespace boost
