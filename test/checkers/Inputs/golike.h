// Minimal stand-in for a Go-like concurrency library ("golike"), modelled for
// taskleak by golike.taskleak.yaml. Not a working implementation.
#pragma once

#include <cstddef>
#include <utility>

namespace golike {

// Cancellation context; cancelled() is the library's cancellation point.
class Context {
public:
  Context() = default;
  bool cancelled() const noexcept { return cancelled_; }
  void cancel() noexcept { cancelled_ = true; }
  Context child() const { return *this; }

private:
  bool cancelled_ = false;
};

Context background();

/// Sleeps for \p ms milliseconds; nothing wakes it earlier.
void sleep_ms(unsigned ms);

template <typename T> class Chan {
public:
  explicit Chan(std::size_t capacity = 0) : capacity_(capacity) {}
  Chan(const Chan &) = delete;
  Chan &operator=(const Chan &) = delete;
  void send(T value) { (void)value; }
  T recv() { return T(); }
  bool try_recv(T &out) {
    (void)out;
    return false;
  }
  void close() {}
  std::size_t capacity() const { return capacity_; }

private:
  std::size_t capacity_;
};

class WaitGroup {
public:
  void Add(int n) { count_ += n; }
  void Done() { --count_; }
  void Wait() {}

private:
  int count_ = 0;
};

// A one-slot mailbox: take() blocks until a value is put or the box is
// closed. Modelled under blocking-waits: in golike-waits.taskleak.yaml.
template <typename T> class Mailbox {
public:
  void put(T value) { (void)value; }
  T take() { return T(); }
  void close() {}
};

// Runs f(args...) on a new lightweight task. The callable is argument 0.
template <typename F, typename... Args> void go(F &&f, Args &&...args) {
  (void)f;
  (void)sizeof...(args);
}

} // namespace golike
