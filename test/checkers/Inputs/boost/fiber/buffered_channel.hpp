// Minimal stand-in for <boost/fiber/buffered_channel.hpp> used by the taskleak
// lit tests: the names taskleak matches (by qualified name) and what the tests
// need to compile with clang++ -std=c++20 -fsyntax-only. Not a working
// Boost.Fiber.
#pragma once

#include <boost/fiber/channel_op_status.hpp>

#include <chrono>
#include <cstddef>
#include <utility>

namespace boost {
namespace fibers {

template <typename T> class buffered_channel {
public:
  using value_type = T;

  explicit buffered_channel(std::size_t capacity) : capacity_(capacity) {}
  buffered_channel(const buffered_channel &) = delete;
  buffered_channel &operator=(const buffered_channel &) = delete;
  ~buffered_channel() {}

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
  channel_op_status try_push(const value_type &value) {
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
  channel_op_status try_pop(value_type &value) {
    (void)value;
    return channel_op_status::empty;
  }
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
  std::size_t capacity_;
  bool closed_ = false;
};

} // namespace fibers
} // namespace boost
