// RUN: %check_taskleak -model=%S/Inputs/golike.taskleak.yaml %s taskleak-unconsumed-channel-send %t

// Channels behind a shared or unique handle (issue 10 §1): `auto ch =
// std::make_shared<Chan>(n)` is the usual shape when the channel must outlive
// the spawner's frame. The handle's copies captured by tasks, or passed to a
// task function, are the same channel; `ch->send(v)` and `(*ch).send(v)` are
// calls on it. The capacity is read off the factory's arguments (or the
// `new Chan(n)` given to the handle). Boost.Fiber and Asio's experimental
// channels (built-in models), an inferred user class, and golike::Chan
// (modelled in golike.taskleak.yaml). Silent when the handle goes where we
// cannot follow it.

#include <boost/asio.hpp>
#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/unbuffered_channel.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <future>
#include <golike.h>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace fibers = boost::fibers;
namespace experimental = boost::asio::experimental;
using boost::system::error_code;

int read_sensor();
bool failed();
void handle(int v);
void consume(std::shared_ptr<fibers::buffered_channel<int>> ch);
void keep(std::weak_ptr<fibers::unbuffered_channel<int>> w);

using Fiber = fibers::buffered_channel<int>;
using FiberU = fibers::unbuffered_channel<int>;
using AsioChan = experimental::channel<void(error_code, int)>;
using AsioCChan = experimental::concurrent_channel<void(error_code, int)>;

// A hand-written bounded queue: a channel by inference (lib/InferredModels).
template <typename T> class BoundedQueue {
public:
  explicit BoundedQueue(std::size_t capacity = 1) : cap_(capacity) {}
  void send(T v) {
    std::unique_lock<std::mutex> lk(m_);
    not_full_.wait(lk, [&] { return q_.size() < cap_; });
    q_.push(std::move(v));
    not_empty_.notify_one();
  }
  T recv() {
    std::unique_lock<std::mutex> lk(m_);
    not_empty_.wait(lk, [&] { return !q_.empty(); });
    T v = std::move(q_.front());
    q_.pop();
    not_full_.notify_one();
    return v;
  }
  std::optional<T> recv_for(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lk(m_);
    if (!not_empty_.wait_for(lk, d, [&] { return !q_.empty(); }))
      return std::nullopt;
    T v = std::move(q_.front());
    q_.pop();
    not_full_.notify_one();
    return v;
  }
  void close() {}

private:
  std::size_t cap_;
  std::mutex m_;
  std::condition_variable not_full_, not_empty_;
  std::queue<T> q_;
};

// The same, with a second constructor that also takes one argument: which
// one make_shared runs (and so the capacity) is not read off its arguments.
template <typename T> class NamedQueue : public BoundedQueue<T> {
public:
  explicit NamedQueue(std::size_t capacity = 1) : BoundedQueue<T>(capacity) {}
  explicit NamedQueue(const char *name, std::size_t capacity = 1)
      : BoundedQueue<T>(capacity) {
    (void)name;
  }
  void send(T v) { BoundedQueue<T>::send(std::move(v)); }
  T recv() { return BoundedQueue<T>::recv(); }
};

// ===========================================================================
// Positive cases
// ===========================================================================

// make_shared with a capacity of 2 (one value: buffered_channel(n) holds
// n - 1); the task holds a copy of the handle; nobody pops.
void shared_copy_no_pop() {
  auto ch = std::make_shared<Fiber>(2);
  std::thread([ch] {
    ch->push(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
    ch->push(2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  }).detach();
}

// An unbuffered channel through make_shared; the owner returns on failure
// before it pops.
int shared_unbuffered_returns_early() {
  auto ch = std::make_shared<FiberU>();
  std::thread t([ch] { ch->push(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: send on channel 'ch' may block forever: 'shared_unbuffered_returns_early' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  t.detach();
  if (failed())
    return -1;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 'shared_unbuffered_returns_early' returns here without receiving from 'ch'
  return ch->value_pop();
}

// shared_ptr built from `new`: the capacity is the new-expression's.
void shared_from_new_loop() {
  std::shared_ptr<Fiber> ch(new Fiber(4));
  std::jthread t([ch] {
    for (int i = 0;; ++i)
      ch->push(i);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  });
}

// The same through a functional cast and `(*ch).push`.
void shared_cast_deref() {
  auto ch = std::shared_ptr<FiberU>(new FiberU());
  std::jthread t([ch] { (*ch).push(1); });
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}

// Asio: an experimental channel through make_shared (capacity argument
// absent: 0); its async_send's completion never runs.
void asio_shared_nobody_receives(boost::asio::io_context &ctx) {
  auto ch = std::make_shared<AsioChan>(ctx.get_executor());
  std::jthread t(
      [ch] { ch->async_send(error_code(), 1, [](error_code) {}); });
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}

// Asio's concurrent_channel with a capacity of 1 and two sends; the owner
// only tries to receive.
int asio_shared_try_receive(boost::asio::io_context &ctx) {
  auto ch = std::make_shared<AsioCChan>(ctx, 1);
  std::jthread t([ch] {
    ch->async_send(error_code(), 1, [](error_code) {});
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: 'asio_shared_try_receive' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
    ch->async_send(error_code(), 2, [](error_code) {});
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: 'asio_shared_try_receive' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  });
  int got = -1;
  ch->try_receive([&got](error_code, int v) { got = v; });
  return got;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: 'asio_shared_try_receive' returns here without receiving from 'ch'
}

// An inferred channel through make_shared, its capacity the constructor's
// default (1): two sends, and the owner only waits with a timeout.
std::optional<int> inferred_shared_default_capacity() {
  auto q = std::make_shared<BoundedQueue<int>>();
  std::thread([q] {
    q->send(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'q' may block forever: 'inferred_shared_default_capacity' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
    q->send(2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'q' may block forever: 'inferred_shared_default_capacity' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  }).detach();
  return q->recv_for(100ms);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: 'inferred_shared_default_capacity' returns here without receiving from 'q'
}

// A task function that takes the handle by value: its copy is the channel.
void produce(std::shared_ptr<BoundedQueue<int>> q) {
  for (int i = 0; i < 10; ++i)
    q->send(i);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'q' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}
void task_function_by_value() {
  auto q = std::make_shared<BoundedQueue<int>>(4);
  std::thread(produce, q).detach();
}

// A task function that takes the channel by reference, given `*q`.
void produce_ref(BoundedQueue<int> &q) {
  q.send(read_sensor());
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: send on channel 'q' may block forever: 'task_function_deref' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
}
void task_function_deref() {
  auto q = std::make_unique<BoundedQueue<int>>(0);
  // CHECK-FIXES: auto q = std::make_unique<BoundedQueue<int>>(1);
  std::thread t(produce_ref, std::ref(*q));
  if (failed()) {
    t.detach();
    return;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 'task_function_deref' returns here without receiving from 'q'
  }
  handle(q->recv());
  t.join();
}

// golike::Chan (YAML) through make_shared; an init-capture copy of the
// handle sends.
void yaml_shared_init_capture() {
  auto ch = std::make_shared<golike::Chan<int>>();
  golike::go([c = ch] { c->send(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}

// golike::Chan through make_unique, moved into the task: still the channel.
void yaml_unique_moved_in() {
  auto ch = std::make_unique<golike::Chan<int>>(1);
  golike::go([c = std::move(ch)] {
    c->send(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
    c->send(2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  });
}

// golike::Chan through a unique_ptr captured by reference: one task per
// element, one receive fewer than sends.
void yaml_unique_symbolic(const std::vector<int> &items) {
  auto ch = std::make_unique<golike::Chan<int>>();
  for (int x : items)
    golike::go([&ch, x] { ch->send(x); });
    // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: send on channel 'ch' may block forever: 'yaml_unique_symbolic' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  for (std::size_t i = 0; i < items.size() - 1; ++i)
    handle(ch->recv());
}
// CHECK-MESSAGES: :[[@LINE-1]]:1: note: 'yaml_unique_symbolic' ends here without receiving from 'ch'

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: the owner pops on every path.
int shared_pop_every_path() {
  auto ch = std::make_shared<FiberU>();
  std::thread t([ch] { ch->push(read_sensor()); });
  t.detach();
  int v = 0;
  ch->pop(v);
  return v;
}

// OK: the buffer holds both pushes (capacity 3 holds 2).
void shared_buffer_enough() {
  auto ch = std::make_shared<Fiber>(3);
  std::jthread t([ch] {
    ch->push(1);
    ch->push(2);
  });
}

// OK: a receiver task holds another copy of the handle.
void shared_receiver_task() {
  auto ch = std::make_shared<FiberU>();
  std::jthread producer([ch] {
    for (int i = 0; i < 10; ++i)
      ch->push(i);
  });
  std::jthread consumer([ch] {
    int v;
    while (ch->pop(v) == fibers::channel_op_status::success)
      handle(v);
  });
}

// OK: closed on every path.
int shared_closed(bool fast) {
  auto ch = std::make_shared<Fiber>(2);
  std::jthread t([ch] {
    for (int i = 0; i < 10; ++i)
      ch->push(i);
  });
  int v = -1;
  if (fast) {
    ch->close();
    return v;
  }
  ch->pop(v);
  ch->close();
  return v;
}

// OK: the handle is passed to a function we cannot see.
void shared_escapes_to_call() {
  auto ch = std::make_shared<Fiber>(2);
  std::jthread t([ch] {
    for (int i = 0; i < 10; ++i)
      ch->push(i);
  });
  consume(ch);
}

// OK: the handle is stored in a container.
void shared_stored(std::vector<std::shared_ptr<Fiber>> &all) {
  auto ch = std::make_shared<Fiber>(2);
  all.push_back(ch);
  std::jthread t([ch] {
    for (int i = 0; i < 10; ++i)
      ch->push(i);
  });
}

// OK: a weak_ptr to the channel goes elsewhere.
void shared_weak_elsewhere() {
  auto ch = std::make_shared<FiberU>();
  keep(ch);
  std::thread([ch] { ch->push(1); }).detach();
}

// OK: the handle itself is used (get() hands out the pointer).
void shared_get() {
  auto ch = std::make_shared<FiberU>();
  FiberU *raw = ch.get();
  std::thread([raw] { raw->push(1); }).detach();
  std::thread([ch] { ch->push(2); }).detach();
}

// OK: a run-time capacity.
void shared_runtime_capacity(std::size_t n) {
  auto ch = std::make_shared<Fiber>(n);
  std::jthread t([ch] { ch->push(1); });
}

// OK: the handle is a parameter, not the function's own channel.
void shared_parameter(std::shared_ptr<FiberU> ch) {
  std::thread([ch] { ch->push(1); }).detach();
}

// OK: Asio try_send never blocks.
void asio_shared_try_send(boost::asio::io_context &ctx) {
  auto ch = std::make_shared<AsioChan>(ctx);
  std::jthread t([ch] { ch->try_send(error_code(), 1); });
}

// OK: Asio: received on every path.
void asio_shared_received(boost::asio::io_context &ctx) {
  auto ch = std::make_shared<AsioChan>(ctx);
  std::jthread t([ch] { ch->async_send(error_code(), 1, [](error_code) {}); });
  ch->async_receive([](error_code, int v) { handle(v); });
}

// OK: a shared_ptr to a container with push_back is no channel.
void shared_vector() {
  auto v = std::make_shared<std::vector<int>>();
  std::thread([v] { v->push_back(1); }).detach();
}

// OK: which constructor make_shared runs (and so the capacity) is not known.
void inferred_ambiguous_constructor() {
  auto q = std::make_shared<NamedQueue<int>>("sensor");
  std::thread([q] {
    q->send(1);
    q->send(2);
  }).detach();
}

// OK: one task per element and one receive per element.
void yaml_unique_symbolic_exact(const std::vector<int> &items) {
  auto ch = std::make_unique<golike::Chan<int>>();
  for (int x : items)
    golike::go([&ch, x] { ch->send(x); });
  for (std::size_t i = 0; i < items.size(); ++i)
    handle(ch->recv());
}

// OK: the YAML channel is closed by the owner.
void yaml_shared_closed() {
  auto ch = std::make_shared<golike::Chan<int>>();
  golike::go([ch] { ch->send(1); });
  ch->close();
}

// ===========================================================================
// Known misses
// ===========================================================================

// FIXME: should warn: the unique_ptr is moved into a task function; moves
// through a function's parameters are not followed (the channel escapes).
void produce_owned(std::unique_ptr<Fiber> ch) {
  for (int i = 0;; ++i)
    ch->push(i);
}
void unique_moved_to_task_function() {
  auto ch = std::make_unique<Fiber>(2);
  std::thread(produce_owned, std::move(ch)).detach();
}
