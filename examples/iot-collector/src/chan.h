// chan.h - the collector's small Go-style concurrency toolkit.
//
// The firmware team ported the collector from Go and kept the vocabulary:
// channels, wait groups, `go`, and a cancellable Context. Everything here is
// header-only and uses nothing but the standard library.
//
// taskleak learns these names from ../.taskleak.yaml.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace collector::sync {

// A typed FIFO shared between threads. `Chan` is a cheap handle: copies refer
// to the same channel, like a Go `chan T`.
//
// capacity == 0 is an unbuffered (rendezvous) channel: send() returns only
// once a receiver has taken the value. capacity > 0 buffers that many values.
template <typename T> class Chan {
public:
  explicit Chan(std::size_t capacity = 0)
      : state_(std::make_shared<State>(capacity)) {}

  // Blocks until the value is buffered (or taken, when unbuffered).
  // Returns false if the channel is or becomes closed.
  bool send(T value) const {
    State &s = *state_;
    std::unique_lock lock(s.mu);
    s.can_send.wait(lock, [&] { return s.closed || s.has_room(); });
    if (s.closed)
      return false;
    s.items.push_back(std::move(value));
    const std::uint64_t ticket = ++s.pushed;
    s.can_recv.notify_one();
    if (s.capacity != 0)
      return true;
    // Unbuffered: wait for the hand-off.
    s.taken.wait(lock, [&] { return s.popped >= ticket || s.closed; });
    return s.popped >= ticket;
  }

  // Blocks until a value arrives. Returns nullopt once the channel is closed
  // and drained.
  std::optional<T> recv() const {
    State &s = *state_;
    std::unique_lock lock(s.mu);
    s.can_recv.wait(lock, [&] { return s.closed || !s.items.empty(); });
    return s.pop_locked();
  }

  // Never blocks. Returns nullopt when nothing is ready.
  std::optional<T> try_recv() const {
    State &s = *state_;
    std::lock_guard lock(s.mu);
    return s.pop_locked();
  }

  // Wakes every blocked sender and receiver. Values already buffered can
  // still be received.
  void close() const {
    State &s = *state_;
    std::lock_guard lock(s.mu);
    s.closed = true;
    s.can_send.notify_all();
    s.can_recv.notify_all();
    s.taken.notify_all();
  }

  std::size_t capacity() const { return state_->capacity; }

private:
  struct State {
    explicit State(std::size_t cap) : capacity(cap) {}

    bool has_room() const {
      return capacity == 0 ? items.empty() : items.size() < capacity;
    }

    std::optional<T> pop_locked() {
      if (items.empty())
        return std::nullopt;
      std::optional<T> value(std::move(items.front()));
      items.pop_front();
      ++popped;
      can_send.notify_one();
      taken.notify_all();
      return value;
    }

    const std::size_t capacity;
    std::mutex mu;
    std::condition_variable can_send;
    std::condition_variable can_recv;
    std::condition_variable taken;
    std::deque<T> items;
    std::uint64_t pushed = 0;
    std::uint64_t popped = 0;
    bool closed = false;
  };

  std::shared_ptr<State> state_;
};

// Counts outstanding tasks; Wait() returns when the count drops to zero.
// As in Go, Add() must happen before the task starts, not inside it.
class WaitGroup {
public:
  void Add(int delta) {
    std::lock_guard lock(mu_);
    count_ += delta;
    if (count_ <= 0)
      zero_.notify_all();
  }

  void Done() { Add(-1); }

  void Wait() {
    std::unique_lock lock(mu_);
    zero_.wait(lock, [&] { return count_ <= 0; });
  }

private:
  std::mutex mu_;
  std::condition_variable zero_;
  int count_ = 0;
};

// A stop request that can be shared with any number of tasks. Copies share
// the request; cancel() on any copy is seen by all of them.
class Context {
public:
  Context() : stop_(std::make_shared<std::atomic<bool>>(false)) {}

  void cancel() const { stop_->store(true, std::memory_order_release); }
  bool cancelled() const { return stop_->load(std::memory_order_acquire); }

private:
  std::shared_ptr<std::atomic<bool>> stop_;
};

// Runs `fn` on a new detached thread, like Go's `go` statement. Nothing
// joins it: the task must finish (or be told to stop) by itself.
template <typename F> void go(F &&fn) {
  std::thread(std::forward<F>(fn)).detach();
}

} // namespace collector::sync
