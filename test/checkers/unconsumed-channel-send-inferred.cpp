// RUN: %check_taskleak %s taskleak-unconsumed-channel-send %t

// Channels nobody configured: a bounded blocking queue written in the
// project (a capacity constructor argument, a send that waits on a condition
// variable, receives by name) is a channel without a YAML model
// (lib/InferredModels.h). Classes that only look similar are not.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <queue>
#include <semaphore>
#include <thread>

using namespace std::chrono_literals;

int read_sensor();
bool failed();
void handle(int v);

// The usual hand-written channel: bounded, blocking send, blocking and timed
// receives.
template <typename T> class Channel {
public:
  explicit Channel(std::size_t capacity) : cap_(capacity) {}
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

// A blocking queue with a defaulted capacity, a while-loop wait, and a pop
// that returns empty-handed instead of waiting.
class BlockingQueue {
public:
  BlockingQueue(int capacity = 1) : capacity_(capacity) {}
  void push(int v) {
    std::unique_lock<std::mutex> lk(m_);
    while (static_cast<int>(q_.size()) >= capacity_)
      cv_.wait(lk);
    q_.push_back(v);
  }
  std::optional<int> pop() {
    std::lock_guard<std::mutex> lk(m_);
    if (q_.empty())
      return std::nullopt;
    int v = q_.front();
    q_.pop_front();
    cv_.notify_all();
    return v;
  }

private:
  int capacity_;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<int> q_;
};

// A semaphore-bounded mailbox.
class Mailbox {
public:
  explicit Mailbox(long slots) : free_(slots) {}
  void put(int v) {
    free_.acquire();
    std::lock_guard<std::mutex> lk(m_);
    q_.push_back(v);
  }
  int take() {
    std::lock_guard<std::mutex> lk(m_);
    int v = q_.front();
    q_.pop_front();
    free_.release();
    return v;
  }

private:
  std::counting_semaphore<1024> free_;
  std::mutex m_;
  std::deque<int> q_;
};

// ===========================================================================
// Positive cases
// ===========================================================================

// The receiver gives up after a timeout; the sender blocks forever.
int receiver_times_out() {
  Channel<int> reply(0);
  std::thread([&reply] { reply.send(read_sensor()); }).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: send on channel 'reply' may block forever: 'receiver_times_out' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  auto v = reply.recv_for(100ms);
  if (!v)
    return -1;
  // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 'receiver_times_out' returns here without receiving from 'reply'
  return *v;
}

// An early return before the blocking receive.
int early_return() {
  Channel<int> reply(0);
  std::thread worker([&reply] { reply.send(read_sensor()); });
  // CHECK-MESSAGES: :[[@LINE-1]]:33: warning: send on channel 'reply' may block forever: 'early_return' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
  worker.detach();
  if (failed())
    return -1;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 'early_return' returns here without receiving from 'reply'
  return reply.recv();
}

// Nobody receives at all: two sends into a buffer of one.
void nobody_receives() {
  Channel<int> events(1);
  std::jthread producer([&events] {
    events.send(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'events' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
    events.send(2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'events' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
  });
}

// A pop that does not wait is a try-receive: one poll does not take the
// value when it is not there yet. The capacity is the default argument, 1:
// two sends need one receive.
int poll_once() {
  BlockingQueue q;
  std::thread([&q] {
    q.push(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'q' may block forever: 'poll_once' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
    // CHECK-MESSAGES: :[[@LINE+6]]:3: note: 'poll_once' returns here without receiving from 'q'
    q.push(2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'q' may block forever: 'poll_once' can return without receiving it or closing the channel [taskleak-unconsumed-channel-send]
    // CHECK-MESSAGES: :[[@LINE+3]]:3: note: 'poll_once' returns here without receiving from 'q'
  }).detach();
  auto v = q.pop();
  return v ? *v : -1;
}

// A semaphore-bounded mailbox with no free slot.
void mailbox_full() {
  Mailbox box(0);
  std::thread([&box] { box.put(read_sensor()); }).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: send on channel 'box' may block forever: nothing receives from it or closes it [taskleak-unconsumed-channel-send]
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: the value is received on every path.
int received() {
  Channel<int> reply(0);
  std::thread worker([&reply] { reply.send(read_sensor()); });
  int v = reply.recv();
  worker.join();
  return v;
}

// OK: the buffer holds the one value; the sender never blocks.
int buffered_enough() {
  Channel<int> reply(1);
  std::thread([&reply] { reply.send(read_sensor()); }).detach();
  auto v = reply.recv_for(100ms);
  return v ? *v : -1;
}

// OK: the defaulted capacity (1) holds the one value.
void default_capacity_holds_it() {
  BlockingQueue q;
  std::thread([&q] { q.push(1); }).detach();
}

// OK: a run-time capacity: no guess.
void runtime_capacity(int n) {
  Channel<int> ch(n);
  std::thread([&ch] { ch.send(1); }).detach();
}

// OK: the channel is closed on the early path.
int closed_on_early_return() {
  Channel<int> reply(0);
  std::thread([&reply] { reply.send(read_sensor()); }).detach();
  if (failed()) {
    reply.close();
    return -1;
  }
  return reply.recv();
}

// OK: a receiver task consumes it.
void consumer_task() {
  Channel<int> ch(0);
  std::jthread producer([&ch] { ch.send(read_sensor()); });
  std::jthread consumer([&ch] { handle(ch.recv()); });
}

// OK (near miss): an unbounded queue: push never waits, so it is no channel.
class UnboundedQueue {
public:
  explicit UnboundedQueue(std::size_t reserve) { (void)reserve; }
  void push(int v) {
    std::lock_guard<std::mutex> lk(m_);
    q_.push_back(v);
    cv_.notify_one();
  }
  int pop() {
    std::unique_lock<std::mutex> lk(m_);
    cv_.wait(lk, [&] { return !q_.empty(); });
    int v = q_.front();
    q_.pop_front();
    return v;
  }

private:
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<int> q_;
};

void unbounded_queue() {
  UnboundedQueue q(0);
  std::thread([&q] { q.push(1); }).detach();
}

// OK (near miss): a blocking send but no capacity constructor argument: the
// buffer size is unknown.
class FixedRing {
public:
  FixedRing() = default;
  void send(int v) {
    std::unique_lock<std::mutex> lk(m_);
    cv_.wait(lk, [&] { return n_ < 16; });
    ++n_;
    (void)v;
  }
  int recv() {
    std::unique_lock<std::mutex> lk(m_);
    cv_.wait(lk, [&] { return n_ > 0; });
    return --n_;
  }

private:
  std::mutex m_;
  std::condition_variable cv_;
  int n_ = 0;
};

void fixed_ring() {
  FixedRing r;
  std::thread([&r] { r.send(1); }).detach();
}

// OK (near miss): a timed send gives up by itself.
class TimedChannel {
public:
  explicit TimedChannel(std::size_t cap) : cap_(cap) {}
  bool send_for(int v, std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lk(m_);
    if (!cv_.wait_for(lk, d, [&] { return n_ < cap_; }))
      return false;
    ++n_;
    (void)v;
    return true;
  }
  int recv() {
    std::unique_lock<std::mutex> lk(m_);
    cv_.wait(lk, [&] { return n_ > 0; });
    return static_cast<int>(--n_);
  }

private:
  std::size_t cap_;
  std::size_t n_ = 0;
  std::mutex m_;
  std::condition_variable cv_;
};

void timed_send() {
  TimedChannel ch(0);
  std::thread([&ch] { ch.send_for(1, 10ms); }).detach();
}

// OK: the channel escapes to code we cannot see.
void forward(Channel<int> &ch);
void escapes() {
  Channel<int> ch(0);
  std::thread([&ch] { ch.send(1); }).detach();
  forward(ch);
}
