// RUN: %check_taskleak -model=%S/Inputs/golike.taskleak.yaml %s taskleak-unconsumed-channel-send %t

// Fix-its: when the capacity argument is a literal 0 or absent and the tasks
// send a constant number N of times, the channel gets capacity N. Never for
// a send in a loop or a task spawned in a loop, a non-zero capacity, or
// Boost.Fiber's unbuffered_channel (it has no capacity).

#include <boost/asio.hpp>
#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/unbuffered_channel.hpp>
#include <golike.h>

#include <thread>

int read_sensor();
void handle(int v);
void sleep_a_bit();

using boost::system::error_code;
using int_channel = boost::asio::experimental::channel<void(error_code, int)>;

// ===========================================================================
// Fixed
// ===========================================================================

// Absent capacity, one send: capacity 1.
void fix_absent_capacity() {
  golike::Chan<int> done;
  golike::go([&done] { done.send(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: send on channel 'done' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}
// CHECK-FIXES: {{^}}void fix_absent_capacity() {
// CHECK-FIXES-NEXT: {{^}}  golike::Chan<int> done(1);{{$}}

// Literal 0, two sends in one task: capacity 2.
void fix_zero_capacity() {
  golike::Chan<int> results(0);
  golike::go([&results] {
    results.send(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'results' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
    results.send(2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'results' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  });
}
// CHECK-FIXES: {{^}}void fix_zero_capacity() {
// CHECK-FIXES-NEXT: {{^}}  golike::Chan<int> results(2);{{$}}

// Two tasks with one send each: capacity 2.
void fix_two_tasks() {
  golike::Chan<int> acks;
  golike::go([&acks] { acks.send(1); });
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: send on channel 'acks' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  std::jthread t([&acks] { acks.send(2); });
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: send on channel 'acks' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}
// CHECK-FIXES: {{^}}void fix_two_tasks() {
// CHECK-FIXES-NEXT: {{^}}  golike::Chan<int> acks(2);{{$}}

// The classic abandoned poll, (b): capacity 1 lets the sender finish.
int fix_poll() {
  golike::Chan<int> ch;
  golike::go([&ch] { ch.send(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: send on channel 'ch' may block forever: 'fix_poll' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  for (int i = 0; i < 10; ++i) {
    int v;
    if (ch.try_recv(v))
      return v;
    sleep_a_bit();
  }
  return -1;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: 'fix_poll' returns here without receiving from 'ch'
}
// CHECK-FIXES: {{^}}int fix_poll() {
// CHECK-FIXES-NEXT: {{^}}  golike::Chan<int> ch(1);{{$}}

// Asio: the capacity is the second constructor argument.
void fix_asio_absent(boost::asio::io_context &ctx) {
  auto ex = ctx.get_executor();
  int_channel replies(ex);
  std::jthread t([&replies] {
    replies.async_send(error_code(), 1, [](error_code) {});
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'replies' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  });
}
// CHECK-FIXES: {{^}}void fix_asio_absent(boost::asio::io_context &ctx) {
// CHECK-FIXES-NEXT: {{^}}  auto ex = ctx.get_executor();{{$}}
// CHECK-FIXES-NEXT: {{^}}  int_channel replies(ex, 1);{{$}}

void fix_asio_zero(boost::asio::io_context &ctx) {
  boost::asio::experimental::concurrent_channel<void(error_code, int)> q(ctx, 0);
  std::jthread t([&q] {
    q.async_send(error_code(), 1, [](error_code) {});
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'q' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
    q.async_send(error_code(), 2, [](error_code) {});
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'q' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  });
}
// CHECK-FIXES: {{^}}void fix_asio_zero(boost::asio::io_context &ctx) {
// CHECK-FIXES-NEXT: {{^}}  boost::asio::experimental::concurrent_channel<void(error_code, int)> q(ctx, 2);{{$}}

// ===========================================================================
// Diagnosed, not fixed
// ===========================================================================

// A send in a loop: no constant N.
void no_fix_send_in_loop() {
  golike::Chan<int> ticks;
  golike::go([&ticks] {
    for (int i = 0; i < 3; ++i)
      ticks.send(i);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: send on channel 'ticks' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  });
}
// CHECK-FIXES: {{^}}void no_fix_send_in_loop() {
// CHECK-FIXES-NEXT: {{^}}  golike::Chan<int> ticks;{{$}}

// A task spawned in a loop with a constant trip count: N = 4.
void fix_spawn_in_constant_loop() {
  golike::Chan<int> out(0);
  for (int i = 0; i < 4; ++i)
    golike::go([&out, i] { out.send(i); });
    // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: send on channel 'out' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}
// CHECK-FIXES: {{^}}void fix_spawn_in_constant_loop() {
// CHECK-FIXES-NEXT: {{^}}  golike::Chan<int> out(4);{{$}}

// A task spawned in a loop without constant bounds: no constant N.
void no_fix_spawn_in_loop(int n) {
  golike::Chan<int> out(0);
  for (int i = 0; i < n; ++i)
    golike::go([&out, i] { out.send(i); });
    // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: send on channel 'out' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}
// CHECK-FIXES: {{^}}void no_fix_spawn_in_loop(int n) {
// CHECK-FIXES-NEXT: {{^}}  golike::Chan<int> out(0);{{$}}

// The classic poll, but the task sends in a loop.
int no_fix_poll_stream() {
  golike::Chan<int> stream;
  golike::go([&stream] {
    while (true)
      stream.send(read_sensor());
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: send on channel 'stream' may block forever: 'no_fix_poll_stream' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  });
  int v;
  if (stream.try_recv(v))
    return v;
  return -1;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: 'no_fix_poll_stream' returns here without receiving from 'stream'
}
// CHECK-FIXES: {{^}}int no_fix_poll_stream() {
// CHECK-FIXES-NEXT: {{^}}  golike::Chan<int> stream;{{$}}

// A non-zero capacity that is too small is left alone.
void no_fix_nonzero_capacity() {
  golike::Chan<int> pair(1);
  golike::go([&pair] {
    pair.send(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'pair' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
    pair.send(2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'pair' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  });
}
// CHECK-FIXES: {{^}}void no_fix_nonzero_capacity() {
// CHECK-FIXES-NEXT: {{^}}  golike::Chan<int> pair(1);{{$}}

void no_fix_buffered_channel() {
  boost::fibers::buffered_channel<int> fch(2);
  std::jthread t([&fch] {
    fch.push(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'fch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
    fch.push(2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'fch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
    fch.push(3);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'fch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  });
}
// CHECK-FIXES: {{^}}void no_fix_buffered_channel() {
// CHECK-FIXES-NEXT: {{^}}  boost::fibers::buffered_channel<int> fch(2);{{$}}

// unbuffered_channel has no capacity to give.
void no_fix_unbuffered_channel() {
  boost::fibers::unbuffered_channel<int> uch;
  std::jthread t([&uch] { uch.push(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: send on channel 'uch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}
// CHECK-FIXES: {{^}}void no_fix_unbuffered_channel() {
// CHECK-FIXES-NEXT: {{^}}  boost::fibers::unbuffered_channel<int> uch;{{$}}
