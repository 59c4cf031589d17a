// RUN: %check_taskleak %s taskleak-unconsumed-channel-send %t

// Built-in channel models: Boost.Fiber's buffered_channel (capacity argument
// 0) and unbuffered_channel (no capacity), and Asio's experimental channel
// and concurrent_channel (capacity argument 1, absent = 0), used from tasks
// started with std::thread, std::jthread and std::async.

#include <boost/asio.hpp>
#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/unbuffered_channel.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>

using namespace std::chrono_literals;
namespace fibers = boost::fibers;
namespace experimental = boost::asio::experimental;
using boost::system::error_code;

int read_sensor();
bool ready();
bool failed();
void handle(int v);
void drain(fibers::buffered_channel<int> &ch);
void drain_asio(experimental::channel<void(error_code, int)> &ch);

// ===========================================================================
// Positive cases, (a): nothing ever receives from the channel or closes it
// ===========================================================================

// An unbuffered channel: every push waits for a pop that never comes.
void unbuffered_nobody_pops() {
  fibers::unbuffered_channel<int> ch;
  std::jthread t([&ch] { ch.push(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}

// Three pushes into a buffer of two.
void buffered_overflow() {
  fibers::buffered_channel<int> ch(2);
  std::thread t([&ch] {
    ch.push(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
    ch.push(2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
    ch.push(3);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  });
  t.join();
}

// OK: push_wait_for gives up after its timeout; it never blocks forever.
void buffered_loop_push_wait_for() {
  fibers::buffered_channel<int> ch(4);
  std::thread t([&ch] {
    for (int i = 0; i < 100; ++i)
      ch.push_wait_for(i, 10ms);
  });
  t.detach();
}

// A task started in a loop: many sends.
void unbuffered_spawned_in_loop() {
  fibers::unbuffered_channel<int> ch;
  for (int i = 0; i < 2; ++i)
    std::thread([&ch, i] { ch.push(i); }).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}

// std::async.
void async_pusher() {
  fibers::buffered_channel<int> ch(2);
  auto f1 = std::async(std::launch::async, [&ch] { ch.push(1); ch.push(2); });
  // CHECK-MESSAGES: :[[@LINE-1]]:52: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  // CHECK-MESSAGES: :[[@LINE-2]]:64: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  auto f2 = std::async(std::launch::async, [&ch] { ch.push(3); });
  // CHECK-MESSAGES: :[[@LINE-1]]:52: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}

// Asio: an unbuffered channel (no capacity argument) and an async_send whose
// completion never runs.
void asio_nobody_receives(boost::asio::io_context &ctx) {
  auto ex = ctx.get_executor();
  experimental::channel<void(error_code, int)> ch(ex);
  std::jthread t([&ch] { ch.async_send(error_code(), 1, [](error_code) {}); });
  // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}

// Asio's concurrent_channel with an explicit capacity of 0, from a context.
void asio_concurrent_two_sends(boost::asio::io_context &ctx) {
  experimental::concurrent_channel<void(error_code, int)> ch(ctx, 0);
  std::jthread t([&ch] {
    ch.async_send(error_code(), 1, [](error_code) {});
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
    ch.async_send(error_code(), 2, [](error_code) {});
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  });
}

// ===========================================================================
// Positive cases, (b): the function can return without receiving
// ===========================================================================

// pop_wait_for may time out: it does not guarantee the push is consumed.
int unbuffered_timeout() {
  fibers::unbuffered_channel<int> ch;
  std::thread t([&ch] { ch.push(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: send on channel 'ch' may block forever: 'unbuffered_timeout' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  t.detach();
  int v;
  if (ch.pop_wait_for(v, 100ms) == fibers::channel_op_status::success)
    return v;
  return -1;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: 'unbuffered_timeout' returns here without receiving from 'ch'
}

// try_pop does not guarantee it either; three pushes into two slots.
int buffered_try_pop() {
  fibers::buffered_channel<int> ch(2);
  std::jthread t([&ch] {
    ch.push(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: 'buffered_try_pop' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
    ch.push(2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: 'buffered_try_pop' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
    ch.push(3);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: 'buffered_try_pop' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  });
  int v = 0;
  if (ch.try_pop(v) != fibers::channel_op_status::success)
    v = -1;
  return v;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: 'buffered_try_pop' returns here without receiving from 'ch'
}

// value_pop on one path only.
int value_pop_unless_failed() {
  fibers::unbuffered_channel<int> ch;
  std::jthread t([&ch] { ch.push(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: send on channel 'ch' may block forever: 'value_pop_unless_failed' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  if (failed())
    throw std::runtime_error("failed");
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 'value_pop_unless_failed' returns here without receiving from 'ch'
  return ch.value_pop();
}

// Asio's try_receive may find nothing.
int asio_try_receive(boost::asio::io_context &ctx) {
  experimental::channel<void(error_code, int)> ch(ctx.get_executor());
  std::thread t([&ch] { ch.async_send(error_code(), 7, [](error_code) {}); });
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: send on channel 'ch' may block forever: 'asio_try_receive' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  t.detach();
  int got = -1;
  ch.try_receive([&got](error_code, int v) { got = v; });
  return got;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: 'asio_try_receive' returns here without receiving from 'ch'
}

// Asio: cancelled on one path, falls off the end on the other.
void asio_cancel_on_failure(boost::asio::io_context &ctx) {
  experimental::concurrent_channel<void(error_code, int)> ch(ctx, 1);
  std::jthread t([&ch] {
    ch.async_send(error_code(), 1, [](error_code) {});
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: 'asio_cancel_on_failure' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
    // CHECK-MESSAGES: :[[@LINE+8]]:1: note: 'asio_cancel_on_failure' ends here without receiving from 'ch'
    ch.async_send(error_code(), 2, [](error_code) {});
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: 'asio_cancel_on_failure' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  });
  if (failed())
    ch.cancel();
  else if (ready())
    ch.try_receive([](error_code, int v) { handle(v); });
}
// CHECK-MESSAGES: :[[@LINE-1]]:1: note: 'asio_cancel_on_failure' ends here without receiving from 'ch'

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: the function pops on every path.
int unbuffered_pop() {
  fibers::unbuffered_channel<int> ch;
  std::jthread t([&ch] { ch.push(read_sensor()); });
  int v = 0;
  ch.pop(v);
  return v;
}

// OK: value_pop on every path.
int unbuffered_value_pop() {
  fibers::unbuffered_channel<int> ch;
  std::jthread t([&ch] { ch.push(read_sensor()); });
  return ch.value_pop();
}

// OK: the buffer holds every push, though nobody pops.
void buffered_enough() {
  fibers::buffered_channel<int> ch(4);
  std::jthread t([&ch] {
    ch.push(1);
    ch.push(2);
  });
}

// OK: closed on every path.
int buffered_closed(bool fast) {
  fibers::buffered_channel<int> ch(2);
  std::jthread t([&ch] {
    for (int i = 0; i < 10; ++i)
      ch.push(i);
  });
  int v = -1;
  if (fast) {
    ch.close();
    return v;
  }
  ch.try_pop(v);
  ch.close();
  return v;
}

// OK: a receiver task.
void fiber_pipeline() {
  fibers::unbuffered_channel<int> ch;
  std::jthread producer([&ch] {
    for (int i = 0; i < 10; ++i)
      ch.push(i);
  });
  std::jthread consumer([&ch] {
    int v;
    while (ch.pop(v) == fibers::channel_op_status::success)
      handle(v);
  });
}

// OK: the capacity is not a constant.
void buffered_runtime_capacity(std::size_t n) {
  fibers::buffered_channel<int> ch(n);
  std::jthread t([&ch] { ch.push(1); });
}

// OK: the channel escapes to another function.
void buffered_escapes() {
  fibers::buffered_channel<int> ch(2);
  std::jthread t([&ch] {
    for (int i = 0; i < 10; ++i)
      ch.push(i);
  });
  drain(ch);
}

// A channel a unique_ptr owns is still the function's channel (it was not
// analysed before; unconsumed-channel-send-handles.cpp has the rest).
void heap_channel() {
  auto ch = std::make_unique<fibers::unbuffered_channel<int>>();
  std::thread([&ch] { ch->push(1); }).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}

// A member channel that nothing in its class pops (it was not analysed
// before; unconsumed-channel-send-members.cpp has the rest).
class FiberSource {
public:
  void start() {
    std::thread([this] { out_.push(read_sensor()); }).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: send on channel 'out_' may block forever: nothing in 'FiberSource' receives from it or closes it [taskleak-unconsumed-channel-send]
    // CHECK-MESSAGES: :[[@LINE+4]]:35: note: channel 'out_' is a member of 'FiberSource'
  }

private:
  fibers::unbuffered_channel<int> out_;
};

// OK: Asio's async_receive on every path.
void asio_receive(boost::asio::io_context &ctx) {
  experimental::channel<void(error_code, int)> ch(ctx);
  std::jthread t([&ch] { ch.async_send(error_code(), 1, [](error_code) {}); });
  ch.async_receive([](error_code, int v) { handle(v); });
}

// OK: the Asio channel's buffer holds both sends.
void asio_buffered_enough(boost::asio::io_context &ctx) {
  experimental::channel<void(error_code, int)> ch(ctx, 2);
  std::jthread t([&ch] {
    ch.async_send(error_code(), 1, [](error_code) {});
    ch.async_send(error_code(), 2, [](error_code) {});
  });
}

// OK: cancel is a close for Asio channels, and it runs on every path.
void asio_cancelled(boost::asio::io_context &ctx) {
  experimental::concurrent_channel<void(error_code, int)> ch(ctx);
  std::jthread t([&ch] { ch.async_send(error_code(), 1, [](error_code) {}); });
  if (ready())
    ch.try_receive([](error_code, int v) { handle(v); });
  ch.cancel();
}

// OK: a receiver task using try_receive (any receive in a task will do).
void asio_receiver_task(boost::asio::io_context &ctx) {
  experimental::channel<void(error_code, int)> ch(ctx);
  std::jthread sender([&ch] {
    ch.async_send(error_code(), 1, [](error_code) {});
  });
  std::jthread receiver([&ch] {
    while (!ch.try_receive([](error_code, int v) { handle(v); }))
      std::this_thread::yield();
  });
}

// OK: the Asio channel escapes to another function.
void asio_escapes(boost::asio::io_context &ctx) {
  experimental::channel<void(error_code, int)> ch(ctx);
  std::jthread t([&ch] { ch.async_send(error_code(), 1, [](error_code) {}); });
  drain_asio(ch);
}

// A buffered_channel of capacity 2 holds one value: the second push waits.
void buffered_holds_one_less() {
  fibers::buffered_channel<int> ch(2);
  std::thread t([&ch] {
    ch.push(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
    ch.push(2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  });
  t.join();
}

// OK: a macro's do { ... } while (0) wrapper runs once: one push into 16.
#define CHECK_OK(x) do { (void)(x); } while (0)
void push_in_macro_wrapper() {
  fibers::buffered_channel<int> ch(16);
  std::thread t([&ch] { CHECK_OK(ch.push(1)); });
  t.join();
}

// OK: Boost.Test's assertion macros wrap their body in a do loop whose
// condition is a call that returns false: it runs once (one push into 16).
namespace tt_detail {
inline bool dummy_cond() { return false; }
} // namespace tt_detail
#define TEST_CHECK(p) do { (void)(p); } while (::tt_detail::dummy_cond())
void push_in_test_macro() {
  fibers::buffered_channel<int> ch(16);
  TEST_CHECK(fibers::channel_op_status::success == ch.push(1));
}

// A do loop in a macro whose condition reads a variable repeats.
#define RETRY_PUSH(c, v, ok) do { (void)(c).push(v); } while (!(ok))
void push_in_retry_macro(bool ok) {
  fibers::buffered_channel<int> ch(16);
  RETRY_PUSH(ch, 1, ok);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}
