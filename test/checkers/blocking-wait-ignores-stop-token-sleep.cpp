// RUN: %check_taskleak %s taskleak-blocking-wait-ignores-stop-token %t

// Long sleeps are waits that ignore the stop request: in the loop of a task
// that has a stop token or a stop flag, a sleep of at least
// LongSleepMilliseconds (1000 by default), or of a time that is not a
// constant, keeps the task asleep after the stop request and stop() waiting
// in join(). The remedy is a wait on the stop handle with a timeout:
// condition_variable_any::wait_for(lock, token, d, pred), or a cv wait_for on
// the flag that stop() notifies.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>
#include <time.h>
#include <unistd.h>

#include <boost/thread.hpp>

using namespace std::chrono_literals;

void send_heartbeat();
void poll_device();
bool try_connect();
std::chrono::milliseconds backoff();

// --- Positives: a stop token ---------------------------------------------------

void heartbeat(std::stop_token st) {
  while (!st.stop_requested()) {
    send_heartbeat();
    std::this_thread::sleep_for(std::chrono::seconds(30));
    // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 'std::this_thread::sleep_for' sleeps for 30 s and a stop request on 'st' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-5]]:32: note: stop requests reach the task through 'st'
  }
}

void exactly_the_threshold(std::stop_token st) {
  while (!st.stop_requested()) {
    poll_device();
    std::this_thread::sleep_for(1s);
    // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 'std::this_thread::sleep_for' sleeps for 1 s and a stop request on 'st' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-5]]:44: note: stop requests reach the task through 'st'
  }
}

void minutes(std::stop_token st) {
  for (;;) {
    if (st.stop_requested())
      return;
    std::this_thread::sleep_for(std::chrono::minutes(5));
    // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 'std::this_thread::sleep_for' sleeps for 5 min and a stop request on 'st' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-6]]:30: note: stop requests reach the task through 'st'
  }
}

class Poller {
  std::chrono::milliseconds interval_{250};
  std::jthread t_;

public:
  Poller() {
    t_ = std::jthread([this](std::stop_token st) {
      while (!st.stop_requested()) {
        poll_device();
        std::this_thread::sleep_for(interval_);
        // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: 'std::this_thread::sleep_for' sleeps for a time that is not a constant and a stop request on 'st' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
        // CHECK-MESSAGES: :[[@LINE-5]]:46: note: stop requests reach the task through 'st'
      }
    });
  }
};

void deadline(std::stop_token st) {
  while (!st.stop_requested()) {
    send_heartbeat();
    std::this_thread::sleep_until(std::chrono::steady_clock::now() + 10s);
    // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 'std::this_thread::sleep_until' sleeps for 10 s and a stop request on 'st' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-5]]:31: note: stop requests reach the task through 'st'
  }
}

// The sleep is in a function the loop calls (CallDepth levels).
void wait_between_rounds() { std::this_thread::sleep_for(2500ms); }
// CHECK-MESSAGES: :[[@LINE-1]]:48: warning: 'std::this_thread::sleep_for' sleeps for 2.5 s and a stop request on 'st' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
// CHECK-MESSAGES: :[[@LINE+2]]:39: note: stop requests reach the task through 'st'

void through_a_helper(std::stop_token st) {
  while (!st.stop_requested()) {
    poll_device();
    wait_between_rounds();
  }
}

void retry_with_backoff(std::stop_token st) {
  while (!st.stop_requested() && !try_connect())
    std::this_thread::sleep_for(backoff());
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 'std::this_thread::sleep_for' sleeps for a time that is not a constant and a stop request on 'st' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
  // CHECK-MESSAGES: :[[@LINE-4]]:41: note: stop requests reach the task through 'st'
}

// --- Positives: a stop flag (POSIX sleeps too) ----------------------------------

class Collector {
  std::atomic<bool> running_{true};
  std::thread t_;
  void run() {
    while (running_) {
      poll_device();
      sleep(10);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'sleep' sleeps for 10 s and setting 'running_' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
      // CHECK-MESSAGES: :[[@LINE+7]]:14: note: the stop path sets 'running_' here but cannot cut the sleep short
    }
  }

public:
  Collector() : t_([this] { run(); }) {}
  ~Collector() {
    running_ = false;
    t_.join();
  }
};

class Sampler {
  std::atomic<bool> stop_{false};
  std::thread t_;
  void loop() {
    while (!stop_.load()) {
      poll_device();
      usleep(2000000);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'usleep' sleeps for 2 s and setting 'stop_' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
      // CHECK-MESSAGES: :[[@LINE+7]]:11: note: the stop path sets 'stop_' here but cannot cut the sleep short
    }
  }

public:
  Sampler() : t_(&Sampler::loop, this) {}
  void stop() {
    stop_.store(true);
    t_.join();
  }
};

class Watchdog {
  std::atomic<bool> stop_{false};
  std::thread t_;
  void loop() {
    struct timespec ts = {3, 0};
    while (!stop_) {
      poll_device();
      nanosleep(&ts, nullptr);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'nanosleep' sleeps for 3 s and setting 'stop_' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
      // CHECK-MESSAGES: :[[@LINE+7]]:11: note: the stop path sets 'stop_' here but cannot cut the sleep short
    }
  }

public:
  Watchdog() : t_([this] { loop(); }) {}
  void stop() {
    stop_ = true;
    t_.join();
  }
};

class Reporter {
  std::atomic<bool> stop_{false};
  int period_s_ = 60;
  std::thread t_;
  void loop() {
    while (!stop_) {
      send_heartbeat();
      std::this_thread::sleep_for(std::chrono::seconds(period_s_));
      // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: 'std::this_thread::sleep_for' sleeps for a time that is not a constant and setting 'stop_' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
      // CHECK-MESSAGES: :[[@LINE+7]]:11: note: the stop path sets 'stop_' here but cannot cut the sleep short
    }
  }

public:
  Reporter() : t_([this] { loop(); }) {}
  void stop() {
    stop_ = true;
    t_.join();
  }
};

// --- Negatives ------------------------------------------------------------------

// A short constant poll (below LongSleepMilliseconds: see the -option test).
void short_poll(std::stop_token st) {
  while (!st.stop_requested()) {
    poll_device();
    std::this_thread::sleep_for(10ms);
    std::this_thread::sleep_for(999ms);
    usleep(50000);
    std::this_thread::sleep_until(std::chrono::steady_clock::now() + 20ms);
  }
}

// The remedy: a wait on the stop token with a timeout.
void wakes_on_stop(std::stop_token st) {
  std::mutex m;
  std::condition_variable_any cv;
  while (!st.stop_requested()) {
    send_heartbeat();
    std::unique_lock<std::mutex> l(m);
    cv.wait_for(l, st, 30s, [] { return false; });
  }
}

// A sleep before the loop (a start-up delay) and after it (shutdown path).
void outside_the_loop(std::stop_token st) {
  std::this_thread::sleep_for(5s);
  while (!st.stop_requested())
    poll_device();
  std::this_thread::sleep_for(5s);
}

// A bounded retry loop that does not consult the token, before the real one.
void bounded_retry(std::stop_token st) {
  for (int i = 0; i < 3 && !try_connect(); ++i)
    std::this_thread::sleep_for(2s);
  while (!st.stop_requested())
    poll_device();
}

// A lambda created in the loop is not run by it.
void deferred(std::stop_token st) {
  while (!st.stop_requested()) {
    auto later = [] { std::this_thread::sleep_for(10s); };
    (void)later;
    poll_device();
  }
}

// No stop handle at all: nothing could ask the task to stop
// (spawn-without-stop-token's and loop-without-cancellation's question).
void no_handle() {
  for (;;) {
    send_heartbeat();
    std::this_thread::sleep_for(30s);
  }
}

// Boost.Thread's sleeps are interruption points: interrupt() wakes them.
class BoostWorker {
  std::atomic<bool> stop_{false};
  boost::thread t_;
  void loop() {
    while (!stop_) {
      poll_device();
      boost::this_thread::sleep_for(boost::chrono::seconds(5));
    }
  }

public:
  BoostWorker() : t_([this] { loop(); }) {}
  void stop() {
    stop_ = true;
    t_.interrupt();
    t_.join();
  }
};

// A flag nobody else writes is not a stop handle.
class Unstoppable {
  std::atomic<bool> running_{true};
  std::thread t_;
  void loop() {
    while (running_) {
      poll_device();
      sleep(10);
    }
  }

public:
  Unstoppable() : t_([this] { loop(); }) {}
  ~Unstoppable() { t_.join(); }
};

// A timespec that the loop changes is not read as a constant; one of 10 ms
// that stays as it is, is a short poll.
class ShortTimespec {
  std::atomic<bool> stop_{false};
  std::thread t_;
  void loop() {
    const struct timespec ts = {0, 10000000};
    while (!stop_)
      nanosleep(&ts, nullptr);
  }

public:
  ShortTimespec() : t_([this] { loop(); }) {}
  void stop() {
    stop_ = true;
    t_.join();
  }
};

// A constexpr interval below the threshold.
constexpr auto kPoll = 200ms;
void constexpr_interval(std::stop_token st) {
  while (!st.stop_requested())
    std::this_thread::sleep_for(kPoll);
}

// FIXME: should warn: a timed wait used as a sleep, on a condition variable
// that the stop path never notifies, is as long as a sleep.
class TimedWaitAsSleep {
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable cv_;
  std::thread t_;
  void loop() {
    while (!stop_) {
      poll_device();
      std::unique_lock<std::mutex> l(m_);
      cv_.wait_for(l, 30s);
    }
  }

public:
  TimedWaitAsSleep() : t_([this] { loop(); }) {}
  void stop() {
    stop_ = true;
    t_.join();
  }
};
