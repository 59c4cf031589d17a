// RUN: %check_taskleak -model=%S/Inputs/golike.taskleak.yaml %s taskleak-unconsumed-channel-send %t

// A producer that sends without bound (`for (;;)`, `while (!done)`) against
// an owner whose receive loop stops (issue 10 §3): once the loop has what it
// needs (a break, a return, its own condition), the producer blocks in its
// next send for good. Silent when the channel is closed on the way out, when
// the receive loop runs until the channel is closed (it tests a receive's
// status), when the send cannot block, and when the producer is bounded.

#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/unbuffered_channel.hpp>

#include <atomic>
#include <chrono>
#include <golike.h>
#include <memory>
#include <thread>

using namespace std::chrono_literals;
namespace fibers = boost::fibers;

int read_sensor();
void handle(int v);

// ===========================================================================
// Positive cases
// ===========================================================================

// Boost.Fiber: a break once a value is large enough.
int first_large() {
  fibers::buffered_channel<int> ch(8);
  std::jthread producer([&ch] {
    for (;;)
      ch.push(read_sensor());
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: send on channel 'ch' may block forever: 'first_large' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
      // CHECK-MESSAGES: :[[@LINE+7]]:7: note: the receive loop stops early here
      // CHECK-MESSAGES: :[[@LINE+8]]:3: note: 'first_large' returns here without receiving from 'ch'
  });
  int v = 0;
  while (true) {
    ch.pop(v);
    if (v > 100)
      break;
  }
  return v;
}

// golike (YAML): ten values, then the flag; the producer is stuck in send.
void take_ten() {
  golike::Chan<int> ch;
  std::atomic<bool> done{false};
  std::thread producer([&] {
    while (!done)
      ch.send(read_sensor());
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: send on channel 'ch' may block forever: 'take_ten' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
      // CHECK-MESSAGES: :[[@LINE+6]]:1: note: 'take_ten' ends here without receiving from 'ch'
  });
  for (int i = 0; i < 10; ++i)
    handle(ch.recv());
  done = true;
  producer.join();
}

// A return from inside the receive loop.
int find_value(int target) {
  fibers::unbuffered_channel<int> ch;
  std::thread([&ch] {
    for (int i = 0;; ++i)
      ch.push(i);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: send on channel 'ch' may block forever: 'find_value' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
      // CHECK-MESSAGES: :[[@LINE+6]]:7: note: the receive loop stops early here
      // CHECK-MESSAGES: :[[@LINE+5]]:7: note: 'find_value' returns here without receiving from 'ch'
  }).detach();
  for (;;) {
    int v = ch.value_pop();
    if (v == target)
      return v;
  }
}

// golike through make_shared; the loop's own condition stops it.
int sum_until_negative() {
  auto ch = std::make_shared<golike::Chan<int>>(4);
  golike::go([ch] {
    for (;;)
      ch->send(read_sensor());
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: send on channel 'ch' may block forever: 'sum_until_negative' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
      // CHECK-MESSAGES: :[[@LINE+5]]:3: note: 'sum_until_negative' returns here without receiving from 'ch'
  });
  int sum = 0;
  for (int v = ch->recv(); v >= 0; v = ch->recv())
    sum += v;
  return sum;
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: the early exit closes the channel first: the push returns closed.
int first_large_closed() {
  fibers::buffered_channel<int> ch(8);
  std::jthread producer([&ch] {
    for (;;)
      if (ch.push(read_sensor()) == fibers::channel_op_status::closed)
        return;
  });
  int v = 0;
  while (true) {
    ch.pop(v);
    if (v > 100) {
      ch.close();
      break;
    }
  }
  return v;
}

// OK: closed after the loop, before returning.
void take_ten_closed() {
  golike::Chan<int> ch;
  std::thread producer([&] {
    for (;;)
      ch.send(read_sensor());
  });
  for (int i = 0; i < 10; ++i)
    handle(ch.recv());
  ch.close();
  producer.detach();
}

// OK: the receive loop runs until the channel is closed.
void consume_all() {
  fibers::buffered_channel<int> ch(8);
  std::jthread producer([&ch] {
    for (;;)
      ch.push(read_sensor());
  });
  int v;
  while (ch.pop(v) == fibers::channel_op_status::success)
    handle(v);
}

// OK: a timed send gives up.
int first_large_timed_send() {
  fibers::buffered_channel<int> ch(8);
  std::jthread producer([&ch] {
    for (;;)
      ch.push_wait_for(read_sensor(), 10ms);
  });
  int v = 0;
  while (true) {
    ch.pop(v);
    if (v > 100)
      break;
  }
  return v;
}

// OK: the producer sends five values, the loop takes five.
void five_and_five() {
  fibers::unbuffered_channel<int> ch;
  std::jthread producer([&ch] {
    for (int i = 0; i < 5; ++i)
      ch.push(i);
  });
  for (int i = 0; i < 5; ++i) {
    int v;
    ch.pop(v);
    handle(v);
  }
}

// OK: the producer closes the channel when it is done.
void producer_closes() {
  golike::Chan<int> ch(2);
  golike::go([&ch] {
    for (int v = read_sensor(); v >= 0; v = read_sensor())
      ch.send(v);
    ch.close();
  });
  for (int i = 0; i < 3; ++i)
    handle(ch.recv());
}

// OK: a receiver task (it is not the owner's loop that stops).
void receiver_task() {
  fibers::unbuffered_channel<int> ch;
  std::jthread producer([&ch] {
    for (;;)
      ch.push(read_sensor());
  });
  std::jthread consumer([&ch] {
    int v;
    while (ch.pop(v) == fibers::channel_op_status::success)
      handle(v);
  });
}

// OK: one conditional send is not a producer without bound.
void conditional_send(bool ready) {
  golike::Chan<int> ch(1);
  golike::go([&ch, ready] {
    if (ready)
      ch.send(1);
  });
  for (int i = 0; i < 1; ++i)
    handle(ch.recv());
}
