// RUN: %check_taskleak -model=%S/Inputs/golike.taskleak.yaml %s taskleak-unconsumed-channel-send %t
// RUN: %check_taskleak -check-suffix=NOMODEL %s taskleak-unconsumed-channel-send %t

// golike::Chan is a channel only through golike.taskleak.yaml (send: send;
// receive: recv, try_recv; close: close; capacity: constructor argument 0,
// absent = 0 = unbuffered), and golike::go is a spawn only through it. The
// NOMODEL run proves that without the model nothing here is diagnosed.
// Fix-its are covered in unconsumed-channel-send-fix.cpp.

#include <future>
#include <golike.h>
#include <stdexcept>
#include <thread>
#include <vector>

int read_sensor();
bool ready();
bool failed();
void handle(int v);
void sleep_a_bit();
void consume(golike::Chan<int> &ch);
void remember(golike::Chan<int> *ch);

// A scope guard: runs its callable when it goes out of scope.
template <typename F> struct ScopeExit {
  F f;
  ~ScopeExit() { f(); }
};

// ===========================================================================
// Positive cases, (a): nothing ever receives from the channel or closes it
// ===========================================================================

// An unbuffered channel whose only send is in a task; nobody receives.
void fire_and_forget() {
  golike::Chan<int> ch;
  golike::go([&ch] { ch.send(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}

// An explicit capacity of 0 and two sends: each send is reported.
void two_results() {
  golike::Chan<int> results(0);
  golike::go([&results] {
    results.send(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'results' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
    results.send(2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'results' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  });
}

// A send in a loop is "many" sends, more than any constant capacity.
void ticker() {
  golike::Chan<int> ticks(2);
  golike::go([&ticks] {
    for (int i = 0; i < 3; ++i)
      ticks.send(i);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: send on channel 'ticks' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  });
}

// A task spawned in a loop sends "many" times.
void fan_in_without_reader() {
  golike::Chan<int> out(2);
  for (int i = 0; i < 4; ++i)
    golike::go([&out, i] { out.send(i); });
    // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: send on channel 'out' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}

// Two tasks, one send each, one slot of buffer.
void two_senders_one_slot() {
  golike::Chan<int> ch(1);
  golike::go([&ch] { ch.send(1); });
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  golike::go([&] { ch.send(2); });
  // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}

// For (a), sends in the function itself count too.
void send_to_self() {
  golike::Chan<int> self;
  self.send(read_sensor());
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: send on channel 'self' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}

// The configured spawn mixes with the built-in ones.
void std_thread_sender() {
  golike::Chan<int> ch;
  std::thread t([&ch] { ch.send(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  t.detach();
}

void jthread_sender() {
  golike::Chan<int> ch;
  std::jthread t([&ch] { ch.send(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}

void async_sender() {
  golike::Chan<int> ch;
  auto done = std::async(std::launch::async, [&ch] { ch.send(1); });
  // CHECK-MESSAGES: :[[@LINE-1]]:54: warning: send on channel 'ch' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  done.wait();
}

// ===========================================================================
// Positive cases, (b): the function can return without receiving
// ===========================================================================

// The classic: poll with try_recv, give up after a while. Only the task's
// send is reported; the note is at the abandoning return.
int poll_sensor() {
  golike::Chan<int> ch;
  golike::go([&ch] { ch.send(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: send on channel 'ch' may block forever: 'poll_sensor' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  for (int i = 0; i < 10; ++i) {
    int v;
    if (ch.try_recv(v))
      return v;
    sleep_a_bit();
  }
  return -1;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: 'poll_sensor' returns here without receiving from 'ch'
}

// An early return before the blocking receive.
int early_exit() {
  golike::Chan<int> reply;
  golike::go([&reply] { reply.send(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: send on channel 'reply' may block forever: 'early_exit' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  if (failed())
    return -1;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 'early_exit' returns here without receiving from 'reply'
  return reply.recv();
}

// A throw before the blocking receive.
int throws_before_receiving() {
  golike::Chan<int> reply;
  golike::go([&reply] { reply.send(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: send on channel 'reply' may block forever: 'throws_before_receiving' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  if (failed())
    throw std::runtime_error("sensor failed");
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 'throws_before_receiving' returns here without receiving from 'reply'
  return reply.recv();
}

// Falling off the end: the note is at the closing brace.
void maybe_receive() {
  golike::Chan<int> ch;
  golike::go([&ch] { ch.send(1); });
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: send on channel 'ch' may block forever: 'maybe_receive' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  if (ready())
    handle(ch.recv());
}
// CHECK-MESSAGES: :[[@LINE-1]]:1: note: 'maybe_receive' ends here without receiving from 'ch'

// Closed on one path only.
int closes_on_failure_only() {
  golike::Chan<int> ch;
  golike::go([&ch] { ch.send(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: send on channel 'ch' may block forever: 'closes_on_failure_only' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  if (failed()) {
    ch.close();
    return -1;
  }
  if (!ready())
    return 0;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 'closes_on_failure_only' returns here without receiving from 'ch'
  return ch.recv();
}

// Many sends (a loop) into a buffer of 4, one try_recv: each send in the task
// is reported, and the function's own send is not (it is not a task send).
int drain_one() {
  golike::Chan<int> ch(4);
  golike::go([&ch] {
    for (int i = 0; i < 8; ++i)
      ch.send(i);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: send on channel 'ch' may block forever: 'drain_one' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
      // CHECK-MESSAGES: :[[@LINE+7]]:3: note: 'drain_one' returns here without receiving from 'ch'
    ch.send(-1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' may block forever: 'drain_one' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  });
  ch.send(0);
  int v = 0;
  ch.try_recv(v);
  return v;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: 'drain_one' returns here without receiving from 'ch'
}

// Spawned with std::async.
int async_poll() {
  golike::Chan<int> ch;
  auto fut = std::async(std::launch::async, [&ch] { ch.send(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:53: warning: send on channel 'ch' may block forever: 'async_poll' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  int v;
  if (ch.try_recv(v))
    return v;
  return -1;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: 'async_poll' returns here without receiving from 'ch'
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: every path receives (a blocking recv after the spawn).
int ask_sensor() {
  golike::Chan<int> ch;
  golike::go([&ch] { ch.send(read_sensor()); });
  return ch.recv();
}

// OK: a receiver task.
void pipeline() {
  golike::Chan<int> ch;
  golike::go([&ch] { ch.send(read_sensor()); });
  golike::go([&ch] {
    int v;
    if (ch.try_recv(v))
      handle(v);
  });
}

// OK: the function sends and a task receives.
void hand_off() {
  golike::Chan<int> ch;
  golike::go([&ch] { handle(ch.recv()); });
  ch.send(42);
}

// OK: buffered for the one send, so the sender never blocks.
int poll_buffered() {
  golike::Chan<int> ch(1);
  golike::go([&ch] { ch.send(read_sensor()); });
  int v;
  if (ch.try_recv(v))
    return v;
  return -1;
}

// OK: nothing receives, but the buffer holds both sends.
void buffered_results() {
  golike::Chan<int> results(2);
  golike::go([&results] {
    results.send(1);
    results.send(2);
  });
}

// OK: closed on every path from the spawn to the exit.
int closes_everywhere() {
  golike::Chan<int> ch;
  golike::go([&ch] { ch.send(read_sensor()); });
  if (failed()) {
    ch.close();
    return -1;
  }
  int v = 0;
  bool ok = ch.try_recv(v);
  ch.close();
  return ok ? v : -1;
}

// OK: one path receives, the other closes.
void receive_or_close() {
  golike::Chan<int> ch;
  golike::go([&ch] { ch.send(read_sensor()); });
  if (ready())
    handle(ch.recv());
  else
    ch.close();
}

// OK: a scope guard closes the channel on every way out.
int guarded_poll() {
  golike::Chan<int> ch;
  ScopeExit close_it{[&ch] { ch.close(); }};
  golike::go([&ch] { ch.send(read_sensor()); });
  int v;
  if (ch.try_recv(v))
    return v;
  return -1;
}

// OK: the channel escapes to another function, which may receive.
void escapes_to_function() {
  golike::Chan<int> ch;
  golike::go([&ch] { ch.send(read_sensor()); });
  consume(ch);
}

// OK: the channel's address is taken.
void address_taken() {
  golike::Chan<int> ch;
  remember(&ch);
  golike::go([&ch] { ch.send(read_sensor()); });
}

// OK: stored in a container.
void stored_in_container(std::vector<golike::Chan<int> *> &registry) {
  golike::Chan<int> ch;
  registry.push_back(&ch);
  golike::go([&ch] { ch.send(read_sensor()); });
}

// OK: stored in a member of a local object.
struct Mailbox {
  golike::Chan<int> &ch;
  void deliver();
};

void stored_in_member() {
  golike::Chan<int> ch;
  Mailbox box{ch};
  golike::go([&ch] { ch.send(read_sensor()); });
  box.deliver();
}

// OK: captured by a lambda that is not spawned.
int captured_by_local_lambda() {
  golike::Chan<int> ch;
  auto peek = [&ch] {
    int v = 0;
    return ch.try_recv(v) ? v : -1;
  };
  golike::go([&ch] { ch.send(read_sensor()); });
  return peek();
}

// OK: the capacity is not a constant.
int runtime_capacity(int n) {
  golike::Chan<int> ch(n);
  golike::go([&ch] { ch.send(read_sensor()); });
  int v;
  if (ch.try_recv(v))
    return v;
  return -1;
}

// OK: the channel is a member, not a local.
class Sampler {
public:
  void start() {
    golike::go([this] { samples_.send(read_sensor()); });
  }

private:
  golike::Chan<int> samples_;
};

// OK: the channel is a global.
golike::Chan<int> g_events;

void post_event() {
  golike::go([] { g_events.send(1); });
}

// OK: the channel is a parameter, not a local.
void send_to_caller(golike::Chan<int> &ch) {
  golike::go([&ch] { ch.send(read_sensor()); });
}

// OK (near miss): a type with the same interface that is not configured.
namespace other {
template <typename T> class Chan {
public:
  explicit Chan(unsigned capacity = 0) { (void)capacity; }
  void send(T value) { (void)value; }
  T recv() { return T(); }
  bool try_recv(T &out) {
    (void)out;
    return false;
  }
  void close() {}
};
template <typename F> void go(F &&f) { (void)f; }
} // namespace other

void unconfigured_channel() {
  other::Chan<int> ch;
  golike::go([&ch] { ch.send(read_sensor()); });
}

// OK (near miss): other::go is not a spawn, so its lambda is a lambda that
// is not spawned, and the channel escapes into it.
void not_a_spawn() {
  golike::Chan<int> ch;
  other::go([&ch] { ch.send(1); });
}

// OK: three sends, and a receive loop that runs exactly three rounds.
void receive_three_in_a_loop() {
  golike::Chan<int> ch;
  golike::go([&ch] {
    ch.send(1);
    ch.send(2);
    ch.send(3);
  });
  for (int i = 0; i < 3; ++i)
    ch.recv();
}
