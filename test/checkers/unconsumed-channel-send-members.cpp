// RUN: %check_taskleak -model=%S/Inputs/golike.taskleak.yaml %s taskleak-unconsumed-channel-send %t

// Channels that are data members (issue 10 §1): the class owns the channel,
// its member functions and the tasks they start are everything that can
// touch it, provided the class is seen whole (a private member, or a
// protected one of a final class; no friend, no nested class, no member
// function template or member function defined elsewhere). Two rules:
//  (a) nothing in the class receives from the channel or closes it;
//  (c) a task of the class sends without bound (`while (!stop_)`), the only
//      receives are in member functions the clients call, and nothing in the
//      class closes the channel: once the receivers stop, the task blocks in
//      its send forever (and a destructor that joins it hangs).
// Boost.Fiber and Asio (built-in models), an inferred user class, golike::Chan
// (YAML).

#include <boost/asio.hpp>
#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/unbuffered_channel.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <golike.h>
#include <mutex>
#include <optional>
#include <queue>
#include <stop_token>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace fibers = boost::fibers;
namespace experimental = boost::asio::experimental;
using boost::system::error_code;

int read_sensor();
void handle(int v);

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

// ===========================================================================
// Positive cases, (a): nothing in the class receives or closes
// ===========================================================================

// A producer jthread member started in the constructor; nobody pops.
class SensorFeed {
public:
  SensorFeed()
      : worker_([this](std::stop_token st) {
          while (!st.stop_requested())
            samples_.push(read_sensor());
            // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: send on channel 'samples_' may block forever: nothing in 'SensorFeed' receives from it or closes it [taskleak-unconsumed-channel-send]
            // CHECK-MESSAGES: :[[@LINE+4]]:33: note: channel 'samples_' is a member of 'SensorFeed'
        }) {}

private:
  fibers::buffered_channel<int> samples_{8};
  std::jthread worker_;
};

// A member function started as a task, on an unbuffered channel.
class Reporter {
public:
  void start() { t_ = std::thread(&Reporter::run, this); }
  ~Reporter() {
    if (t_.joinable())
      t_.join();
  }

private:
  void run() {
    out_.push(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'out_' may block forever: nothing in 'Reporter' receives from it or closes it [taskleak-unconsumed-channel-send]
    // CHECK-MESSAGES: :[[@LINE+2]]:35: note: channel 'out_' is a member of 'Reporter'
  }
  fibers::unbuffered_channel<int> out_;
  std::thread t_;
};

// A send in a member function the clients call, any number of times.
class EventLog {
public:
  void record(int e) { events_.send(e); }
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: send on channel 'events_' may block forever: nothing in 'EventLog' receives from it or closes it [taskleak-unconsumed-channel-send]
  // CHECK-MESSAGES: :[[@LINE+3]]:21: note: channel 'events_' is a member of 'EventLog'

private:
  BoundedQueue<int> events_{16};
};

// Asio: a member channel, out-of-line member functions.
class AsioSource {
public:
  explicit AsioSource(boost::asio::io_context &ctx);
  void start();

private:
  experimental::channel<void(error_code, int)> ch_;
  std::jthread t_;
};
AsioSource::AsioSource(boost::asio::io_context &ctx) : ch_(ctx, 1) {}
void AsioSource::start() {
  t_ = std::jthread([this] {
    for (int i = 0; i < 4; ++i)
      ch_.async_send(error_code(), i, [](error_code) {});
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: send on channel 'ch_' may block forever: nothing in 'AsioSource' receives from it or closes it [taskleak-unconsumed-channel-send]
      // CHECK-MESSAGES: :[[@LINE-9]]:48: note: channel 'ch_' is a member of 'AsioSource'
  });
}

// golike::Chan (YAML), a protected member of a final class.
class Ticker final {
public:
  Ticker() { golike::go([this] { ticks_.send(1); }); }
  // CHECK-MESSAGES: :[[@LINE-1]]:34: warning: send on channel 'ticks_' may block forever: nothing in 'Ticker' receives from it or closes it [taskleak-unconsumed-channel-send]
  // CHECK-MESSAGES: :[[@LINE+3]]:21: note: channel 'ticks_' is a member of 'Ticker'

protected:
  golike::Chan<int> ticks_;
};

// ===========================================================================
// Positive cases, (c): a producer without bound, and nothing closes
// ===========================================================================

// The receive side is a member function; the destructor stops and joins the
// producer, which is blocked in push once the buffer is full.
class Sampler {
public:
  Sampler() : producer_([this] {
    while (!stop_)
      samples_.push(read_sensor());
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: send on channel 'samples_' may block forever: nothing in 'Sampler' closes it, so once its receivers stop the send never returns [taskleak-unconsumed-channel-send]
      // CHECK-MESSAGES: :[[@LINE+14]]:33: note: channel 'samples_' is a member of 'Sampler'
  }) {}
  ~Sampler() {
    stop_ = true;
    producer_.join();
  }
  int next() {
    int v = 0;
    samples_.pop(v);
    return v;
  }

private:
  std::atomic<bool> stop_{false};
  fibers::buffered_channel<int> samples_{4};
  std::thread producer_;
};

// An inferred queue; the client polls with a timeout.
class Fetcher {
public:
  void start() {
    worker_ = std::jthread([this](std::stop_token st) {
      for (;;) {
        if (st.stop_requested())
          return;
        results_.send(read_sensor());
        // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: send on channel 'results_' may block forever: nothing in 'Fetcher' closes it, so once its receivers stop the send never returns [taskleak-unconsumed-channel-send]
        // CHECK-MESSAGES: :[[@LINE+7]]:21: note: channel 'results_' is a member of 'Fetcher'
      }
    });
  }
  std::optional<int> poll() { return results_.recv_for(10ms); }

private:
  BoundedQueue<int> results_{2};
  std::jthread worker_;
};

// golike (YAML): a producer task started by a member function.
class Stream {
public:
  void start() {
    golike::go([this] {
      while (running_)
        out_.send(read_sensor());
        // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: send on channel 'out_' may block forever: nothing in 'Stream' closes it, so once its receivers stop the send never returns [taskleak-unconsumed-channel-send]
        // CHECK-MESSAGES: :[[@LINE+7]]:21: note: channel 'out_' is a member of 'Stream'
    });
  }
  int next() { return out_.recv(); }
  void stop() { running_ = false; }

private:
  golike::Chan<int> out_{1};
  std::atomic<bool> running_{true};
};

// Asio: a coroutine started by co_spawn in start() sends without bound; the
// clients receive through a member function, and nothing cancels the
// channel.
class Telemetry {
public:
  explicit Telemetry(boost::asio::io_context &ctx) : ctx_(ctx), ch_(ctx, 4) {}
  void start() {
    boost::asio::co_spawn(
        ctx_,
        [this]() -> boost::asio::awaitable<void> {
          for (;;)
            ch_.async_send(error_code(), read_sensor(), [](error_code) {});
            // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: send on channel 'ch_' may block forever: nothing in 'Telemetry' closes it, so once its receivers stop the send never returns [taskleak-unconsumed-channel-send]
            // CHECK-MESSAGES: :[[@LINE+11]]:48: note: channel 'ch_' is a member of 'Telemetry'
          co_return;
        },
        boost::asio::detached);
  }
  void next() {
    ch_.async_receive([](error_code, int v) { handle(v); });
  }

private:
  boost::asio::io_context &ctx_;
  experimental::channel<void(error_code, int)> ch_;
};

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: the destructor closes the channel: the blocked push returns.
class ClosingSampler {
public:
  ClosingSampler() : producer_([this] {
    while (!stop_)
      if (samples_.push(read_sensor()) == fibers::channel_op_status::closed)
        return;
  }) {}
  ~ClosingSampler() {
    stop_ = true;
    samples_.close();
    producer_.join();
  }
  int next() {
    int v = 0;
    samples_.pop(v);
    return v;
  }

private:
  std::atomic<bool> stop_{false};
  fibers::buffered_channel<int> samples_{4};
  std::thread producer_;
};

// OK: the producer closes the channel when it is done.
class Batch {
public:
  Batch() : t_([this] {
    for (int i = 0; i < 100; ++i)
      ch_.push(i);
    ch_.close();
  }) {}
  int next() {
    int v = 0;
    ch_.pop(v);
    return v;
  }

private:
  fibers::buffered_channel<int> ch_{4};
  std::jthread t_;
};

// OK: a timed send gives up.
class TimedProducer {
public:
  TimedProducer() : t_([this](std::stop_token st) {
    while (!st.stop_requested())
      ch_.push_wait_for(read_sensor(), 10ms);
  }) {}
  int next() {
    int v = 0;
    ch_.pop(v);
    return v;
  }

private:
  fibers::buffered_channel<int> ch_{4};
  std::jthread t_;
};

// OK: a receiver task drains the channel (what happens at teardown is the
// receiver's business, not the send's).
class Pipeline {
public:
  Pipeline()
      : producer_([this] {
          while (!stop_)
            ch_.push(read_sensor());
        }),
        consumer_([this] {
          int v;
          while (ch_.pop(v) == fibers::channel_op_status::success)
            handle(v);
        }) {}

private:
  std::atomic<bool> stop_{false};
  fibers::unbuffered_channel<int> ch_;
  std::thread producer_, consumer_;
};

// OK: a public member: anyone may receive.
struct PublicChannel {
  void start() {
    std::thread([this] { ch.push(1); }).detach();
  }
  fibers::unbuffered_channel<int> ch;
};

// OK: a member function defined in another translation unit may receive.
class SplitClass {
public:
  void start() {
    std::thread([this] { ch_.push(1); }).detach();
  }
  int next(); // defined elsewhere

private:
  fibers::unbuffered_channel<int> ch_;
};

// OK: a friend may receive.
class WithFriend {
  friend class Drainer;

public:
  void start() {
    std::thread([this] { ch_.push(1); }).detach();
  }

private:
  fibers::unbuffered_channel<int> ch_;
};

// OK: an accessor hands the channel out.
class Exposed {
public:
  void start() {
    std::thread([this] { ch_.push(1); }).detach();
  }
  fibers::unbuffered_channel<int> &channel() { return ch_; }

private:
  fibers::unbuffered_channel<int> ch_;
};

// OK: the buffer holds the constructor's one send.
class OneShot {
public:
  OneShot() : t_([this] { done_.push(1); }) {}

private:
  fibers::buffered_channel<int> done_{2};
  std::jthread t_;
};

// OK: the producer's loop is bounded by a member container (one send per
// element), not without bound (a range-for always ends).
class PerItem {
public:
  PerItem() : t_([this] {
    for (int x : items_)
      ch_.push(x);
  }) {}
  int next() {
    int v = 0;
    ch_.pop(v);
    return v;
  }

private:
  std::vector<int> items_{1, 2, 3};
  fibers::buffered_channel<int> ch_{4};
  std::jthread t_;
};

// OK: the capacity differs between constructors: not known.
class TwoConstructors {
public:
  TwoConstructors() : ch_(2) { start(); }
  explicit TwoConstructors(int) : ch_(8) { start(); }

private:
  void start() {
    std::thread([this] { ch_.push(1); }).detach();
  }
  fibers::buffered_channel<int> ch_;
};

// OK: a destructor drains the channel after asking the producer to stop.
class DrainingSampler {
public:
  DrainingSampler() : producer_([this] {
    while (!stop_)
      samples_.push(read_sensor());
  }) {}
  ~DrainingSampler() {
    stop_ = true;
    int v;
    while (samples_.try_pop(v) == fibers::channel_op_status::success) {
    }
    producer_.join();
  }
  int next() {
    int v = 0;
    samples_.pop(v);
    return v;
  }

private:
  std::atomic<bool> stop_{false};
  fibers::buffered_channel<int> samples_{4};
  std::thread producer_;
};

// OK: a class template (its member functions are instantiated only where
// used: not all of them are seen).
template <typename T> class TemplatedSource {
public:
  void start() {
    std::thread([this] { ch_.push(T()); }).detach();
  }

private:
  fibers::unbuffered_channel<T> ch_;
};
void use_templated() { TemplatedSource<int>().start(); }
