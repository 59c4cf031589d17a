// Minimal stand-in for <boost/asio.hpp> used by the taskleak lit tests.
// Only the names taskleak matches (by qualified name) and what the tests need
// to compile with clang++ -std=c++20 -fsyntax-only. Not a working Asio.
#pragma once

#include <chrono>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace boost {
namespace system {
class error_code {
public:
  error_code() noexcept = default;
  int value() const noexcept { return value_; }
  explicit operator bool() const noexcept { return value_ != 0; }

private:
  int value_ = 0;
};
} // namespace system
} // namespace boost

namespace boost {
namespace asio {

class any_io_executor {
public:
  any_io_executor() noexcept = default;
  bool operator==(const any_io_executor &) const noexcept { return true; }
};

class io_context {
public:
  using executor_type = any_io_executor;
  io_context() = default;
  explicit io_context(int concurrency_hint) { (void)concurrency_hint; }
  io_context(const io_context &) = delete;
  io_context &operator=(const io_context &) = delete;
  executor_type get_executor() noexcept { return executor_type(); }
  std::size_t run() { return 0; }
  std::size_t poll() { return 0; }
  void stop() {}
  bool stopped() const { return false; }
};

enum class cancellation_type : unsigned int {
  none = 0,
  terminal = 1,
  partial = 2,
  total = 4,
  all = 7
};
using cancellation_type_t = cancellation_type;

class cancellation_slot {
public:
  cancellation_slot() noexcept = default;
  template <typename Handler> void assign(Handler &&handler) { (void)handler; }
  void clear() {}
  bool is_connected() const noexcept { return connected_; }
  bool has_handler() const noexcept { return false; }

private:
  friend class cancellation_signal;
  bool connected_ = false;
};

class cancellation_signal {
public:
  cancellation_signal() = default;
  cancellation_signal(const cancellation_signal &) = delete;
  cancellation_signal &operator=(const cancellation_signal &) = delete;
  void emit(cancellation_type type) { (void)type; }
  cancellation_slot slot() noexcept {
    cancellation_slot s;
    s.connected_ = true;
    return s;
  }
};

class cancellation_state {
public:
  cancellation_state() noexcept = default;
  cancellation_type_t cancelled() const noexcept { return cancellation_type::none; }
  void clear(cancellation_type_t mask = cancellation_type::all) noexcept { (void)mask; }
  cancellation_slot slot() const noexcept { return cancellation_slot(); }
};

template <typename T, typename CancellationSlot = cancellation_slot>
class cancellation_slot_binder {
public:
  using target_type = T;
  using cancellation_slot_type = CancellationSlot;
  template <typename U>
  cancellation_slot_binder(const cancellation_slot_type &s, U &&u)
      : slot_(s), target_(std::forward<U>(u)) {}
  cancellation_slot_type get_cancellation_slot() const noexcept { return slot_; }
  target_type &get() noexcept { return target_; }

private:
  CancellationSlot slot_;
  T target_;
};

template <typename CancellationSlot, typename T>
cancellation_slot_binder<std::decay_t<T>, CancellationSlot>
bind_cancellation_slot(const CancellationSlot &s, T &&target) {
  return cancellation_slot_binder<std::decay_t<T>, CancellationSlot>(
      s, std::forward<T>(target));
}

struct use_awaitable_t {
  constexpr use_awaitable_t() noexcept = default;
};
constexpr use_awaitable_t use_awaitable{};

struct detached_t {
  constexpr detached_t() noexcept = default;
};
constexpr detached_t detached{};

namespace this_coro {
struct executor_t {
  constexpr executor_t() noexcept = default;
};
constexpr executor_t executor{};

struct cancellation_state_t {
  constexpr cancellation_state_t() noexcept = default;
};
constexpr cancellation_state_t cancellation_state{};

struct throw_if_cancelled_1_t {
  explicit constexpr throw_if_cancelled_1_t(bool v) noexcept : value(v) {}
  bool value;
};
struct throw_if_cancelled_0_t {
  constexpr throw_if_cancelled_0_t() noexcept = default;
  constexpr throw_if_cancelled_1_t operator()(bool value) const noexcept {
    return throw_if_cancelled_1_t(value);
  }
};
constexpr throw_if_cancelled_0_t throw_if_cancelled{};
} // namespace this_coro

template <typename T = void, typename Executor = any_io_executor>
class awaitable;

namespace detail {

template <typename T> struct ready_awaiter {
  T value;
  bool await_ready() const noexcept { return true; }
  void await_suspend(std::coroutine_handle<>) noexcept {}
  T await_resume() noexcept { return std::move(value); }
};

template <> struct ready_awaiter<void> {
  bool await_ready() const noexcept { return true; }
  void await_suspend(std::coroutine_handle<>) noexcept {}
  void await_resume() noexcept {}
};

template <typename Executor> class awaitable_frame_base {
public:
  std::suspend_always initial_suspend() noexcept { return {}; }
  std::suspend_always final_suspend() noexcept { return {}; }
  void unhandled_exception() { exception_ = std::current_exception(); }

  // Everything that is already awaitable passes through unchanged.
  template <typename A> A &&await_transform(A &&a) noexcept {
    return std::forward<A>(a);
  }
  ready_awaiter<Executor> await_transform(this_coro::executor_t) noexcept {
    return ready_awaiter<Executor>{Executor()};
  }
  ready_awaiter<cancellation_state>
  await_transform(this_coro::cancellation_state_t) noexcept {
    return ready_awaiter<cancellation_state>{cancellation_state()};
  }
  ready_awaiter<bool> await_transform(this_coro::throw_if_cancelled_0_t) noexcept {
    return ready_awaiter<bool>{true};
  }
  ready_awaiter<void>
  await_transform(this_coro::throw_if_cancelled_1_t) noexcept {
    return ready_awaiter<void>{};
  }

protected:
  void rethrow() {
    if (exception_)
      std::rethrow_exception(exception_);
  }
  std::exception_ptr exception_;
};

template <typename T, typename Executor>
class awaitable_frame : public awaitable_frame_base<Executor> {
public:
  awaitable<T, Executor> get_return_object() noexcept;
  template <typename U> void return_value(U &&u) {
    value_.emplace(std::forward<U>(u));
  }
  T get() {
    this->rethrow();
    return std::move(*value_);
  }

private:
  std::optional<T> value_;
};

template <typename Executor>
class awaitable_frame<void, Executor> : public awaitable_frame_base<Executor> {
public:
  awaitable<void, Executor> get_return_object() noexcept;
  void return_void() {}
  void get() { this->rethrow(); }
};

} // namespace detail

template <typename T, typename Executor> class [[nodiscard]] awaitable {
public:
  using value_type = T;
  using executor_type = Executor;
  using promise_type = detail::awaitable_frame<T, Executor>;

  awaitable() noexcept = default;
  awaitable(awaitable &&other) noexcept
      : frame_(std::exchange(other.frame_, nullptr)) {}
  awaitable(const awaitable &) = delete;
  awaitable &operator=(const awaitable &) = delete;
  ~awaitable() {
    if (frame_)
      frame_.destroy();
  }
  bool valid() const noexcept { return static_cast<bool>(frame_); }

  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  void await_suspend(std::coroutine_handle<Promise>) noexcept {}
  T await_resume() { return frame_.promise().get(); }

private:
  friend class detail::awaitable_frame<T, Executor>;
  explicit awaitable(std::coroutine_handle<promise_type> h) noexcept
      : frame_(h) {}
  std::coroutine_handle<promise_type> frame_ = nullptr;
};

namespace detail {
template <typename T, typename Executor>
awaitable<T, Executor> awaitable_frame<T, Executor>::get_return_object() noexcept {
  return awaitable<T, Executor>(
      std::coroutine_handle<awaitable_frame>::from_promise(*this));
}
template <typename Executor>
awaitable<void, Executor>
awaitable_frame<void, Executor>::get_return_object() noexcept {
  return awaitable<void, Executor>(
      std::coroutine_handle<awaitable_frame>::from_promise(*this));
}

template <typename Token, typename T> struct co_spawn_result {
  using type = void;
};
template <typename T> struct co_spawn_result<use_awaitable_t, T> {
  using type = awaitable<T>;
};

template <typename F> struct awaitable_result;
template <typename T, typename E> struct awaitable_result<awaitable<T, E>> {
  using type = T;
};
} // namespace detail

template <typename Clock> class basic_waitable_timer {
public:
  using clock_type = Clock;
  using duration = typename Clock::duration;
  using time_point = typename Clock::time_point;
  using executor_type = any_io_executor;

  explicit basic_waitable_timer(const executor_type &ex) { (void)ex; }
  explicit basic_waitable_timer(io_context &ctx) { (void)ctx; }
  basic_waitable_timer(const executor_type &ex, const duration &d) {
    (void)ex;
    (void)d;
  }

  std::size_t expires_after(const duration &d) {
    (void)d;
    return 0;
  }
  std::size_t expires_at(const time_point &t) {
    (void)t;
    return 0;
  }
  std::size_t cancel() { return 0; }

  awaitable<void> async_wait(use_awaitable_t) { co_return; }
  template <typename Handler> void async_wait(Handler &&handler) {
    (void)handler;
  }
};

using steady_timer = basic_waitable_timer<std::chrono::steady_clock>;
using system_timer = basic_waitable_timer<std::chrono::system_clock>;

// co_spawn(executor-or-context, awaitable<T>, token)
template <typename Executor, typename T, typename AwaitableExecutor,
          typename CompletionToken>
typename detail::co_spawn_result<std::decay_t<CompletionToken>, T>::type
co_spawn(const Executor &ex, awaitable<T, AwaitableExecutor> a,
         CompletionToken &&token,
         // Like real Asio: a defaulted constraint after the token.
         std::enable_if_t<true, int> = 0) {
  (void)ex;
  (void)token;
  if constexpr (std::is_same_v<std::decay_t<CompletionToken>, use_awaitable_t>)
    return a;
  else
    (void)a;
}

// co_spawn(executor-or-context, F&&, token) where F() returns awaitable<T>
template <typename Executor, typename F, typename CompletionToken>
  requires std::is_invocable_v<std::decay_t<F> &>
typename detail::co_spawn_result<
    std::decay_t<CompletionToken>,
    typename detail::awaitable_result<
        std::invoke_result_t<std::decay_t<F> &>>::type>::type
co_spawn(const Executor &ex, F &&f, CompletionToken &&token,
         std::enable_if_t<true, int> = 0) {
  std::decay_t<F> fn(std::forward<F>(f));
  return boost::asio::co_spawn(ex, fn(), std::forward<CompletionToken>(token));
}

namespace experimental {

// Asio's experimental channels. (Real Asio spells these as alias templates of
// basic_channel / basic_concurrent_channel; here they are class templates so
// that the qualified name is the one taskleak's models list.) The second
// constructor argument is the buffer size, 0 (unbuffered) when absent.
template <typename... Signatures> class channel {
public:
  using executor_type = any_io_executor;

  explicit channel(const executor_type &ex, std::size_t max_buffer_size = 0)
      : max_buffer_size_(max_buffer_size) {
    (void)ex;
  }
  explicit channel(io_context &ctx, std::size_t max_buffer_size = 0)
      : max_buffer_size_(max_buffer_size) {
    (void)ctx;
  }
  channel(const channel &) = delete;
  channel &operator=(const channel &) = delete;

  executor_type get_executor() noexcept { return executor_type(); }
  std::size_t capacity() const noexcept { return max_buffer_size_; }
  bool is_open() const noexcept { return true; }
  bool ready() const noexcept { return false; }
  void reset() {}
  void close() {}
  void cancel() {}

  // try_send(args...) / async_send(args..., token)
  template <typename... Args> bool try_send(Args &&...args) {
    (void)sizeof...(args);
    return false;
  }
  template <typename... Args> void async_send(Args &&...args) {
    (void)sizeof...(args);
  }
  // try_receive(handler) / async_receive(token)
  template <typename Handler> bool try_receive(Handler &&handler) {
    (void)handler;
    return false;
  }
  template <typename Handler> void async_receive(Handler &&handler) {
    (void)handler;
  }

private:
  std::size_t max_buffer_size_;
};

// Thread-safe variant; same interface.
template <typename... Signatures> class concurrent_channel {
public:
  using executor_type = any_io_executor;

  explicit concurrent_channel(const executor_type &ex,
                              std::size_t max_buffer_size = 0)
      : max_buffer_size_(max_buffer_size) {
    (void)ex;
  }
  explicit concurrent_channel(io_context &ctx,
                              std::size_t max_buffer_size = 0)
      : max_buffer_size_(max_buffer_size) {
    (void)ctx;
  }
  concurrent_channel(const concurrent_channel &) = delete;
  concurrent_channel &operator=(const concurrent_channel &) = delete;

  executor_type get_executor() noexcept { return executor_type(); }
  std::size_t capacity() const noexcept { return max_buffer_size_; }
  bool is_open() const noexcept { return true; }
  bool ready() const noexcept { return false; }
  void reset() {}
  void close() {}
  void cancel() {}

  // try_send(args...) / async_send(args..., token)
  template <typename... Args> bool try_send(Args &&...args) {
    (void)sizeof...(args);
    return false;
  }
  template <typename... Args> void async_send(Args &&...args) {
    (void)sizeof...(args);
  }
  // try_receive(handler) / async_receive(token)
  template <typename Handler> bool try_receive(Handler &&handler) {
    (void)handler;
    return false;
  }
  template <typename Handler> void async_receive(Handler &&handler) {
    (void)handler;
  }

private:
  std::size_t max_buffer_size_;
};

} // namespace experimental

} // namespace asio
} // namespace boost
