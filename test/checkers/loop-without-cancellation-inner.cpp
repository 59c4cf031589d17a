// RUN: %check_taskleak -model=%S/Inputs/golike-waits.taskleak.yaml %s taskleak-loop-without-cancellation %t

// An inner loop that cannot see the stop request: the task checks its stop
// handle (a token, a flag) in its loop, but a loop inside it retries until an
// outside event (a connection, a device, another thread's state) and never
// consults the handle, so after the stop request the task keeps retrying for
// as long as the event does not come. Reported at the inner loop, with a
// note where the task checks the handle. Not reported: loops with a bounded
// trip count, loops that check the handle or reach a cancellation point
// (also through the functions they call), loops that do not wait between
// tries, and lambdas made in the loop (tasks of their own).

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <stop_token>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/thread.hpp>
#include <golike.h>

using namespace std::chrono_literals;

bool try_connect();
int read_sensor();
void work();
void submit(void (*)());
template <typename F> void submit_fn(F f); // runs f on a pool, later

// --- Positives -----------------------------------------------------------------

void reconnecting(std::stop_token st) {
  while (!st.stop_requested()) {
    while (!try_connect())
      // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: loop inside the task's stop-aware loop waits for an outside event and never checks 'st', so a stop request cannot end it [taskleak-loop-without-cancellation]
      // CHECK-MESSAGES: :[[@LINE-3]]:11: note: the task checks 'st' only here
      std::this_thread::sleep_for(100ms);
    work();
  }
}

void break_out(std::stop_token st) {
  while (!st.stop_requested()) {
    for (;;) {
      // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: loop inside the task's stop-aware loop waits for an outside event and never checks 'st', so a stop request cannot end it [taskleak-loop-without-cancellation]
      // CHECK-MESSAGES: :[[@LINE-3]]:11: note: the task checks 'st' only here
      if (try_connect())
        break;
      usleep(1000);
    }
    work();
  }
}

class Link {
public:
  void run() {
    while (!stop_) {
      while (!try_connect())
        // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: loop inside the task's stop-aware loop waits for an outside event and never checks 'stop_', so a stop request cannot end it [taskleak-loop-without-cancellation]
        // CHECK-MESSAGES: :[[@LINE-3]]:13: note: the task checks 'stop_' only here
        std::this_thread::sleep_for(200ms);
      work();
    }
  }
  void stop() { stop_ = true; }

private:
  std::atomic<bool> stop_{false};
};

// The retry loop in a helper the task's loop calls.
class Uplink {
public:
  void run() {
    while (running_) {
      reconnect();
      work();
    }
  }
  void shutdown() { running_ = false; }

private:
  void reconnect() {
    while (!try_connect())
      // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: loop inside the task's stop-aware loop waits for an outside event and never checks 'running_', so a stop request cannot end it [taskleak-loop-without-cancellation]
      // CHECK-MESSAGES: :[[@LINE-11]]:12: note: the task checks 'running_' only here
      std::this_thread::sleep_for(50ms);
  }
  std::atomic<bool> running_{true};
};

// A local the loop sets from a call decides it.
class Retrier {
public:
  void run() {
    while (!quit_) {
      bool ok = false;
      do {
        // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: loop inside the task's stop-aware loop waits for an outside event and never checks 'quit_', so a stop request cannot end it [taskleak-loop-without-cancellation]
        // CHECK-MESSAGES: :[[@LINE-4]]:13: note: the task checks 'quit_' only here
        ok = try_connect();
        if (!ok)
          std::this_thread::sleep_for(10ms);
      } while (!ok);
      work();
    }
  }
  void quit() { quit_ = true; }

private:
  std::atomic<bool> quit_{false};
};

// State another thread changes decides it.
class Follower {
public:
  void run() {
    while (!stopping_) {
      while (!leader_ready_)
        // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: loop inside the task's stop-aware loop waits for an outside event and never checks 'stopping_', so a stop request cannot end it [taskleak-loop-without-cancellation]
        // CHECK-MESSAGES: :[[@LINE-3]]:13: note: the task checks 'stopping_' only here
        std::this_thread::sleep_for(5ms);
      work();
    }
  }
  void stop() { stopping_ = true; }
  void ready() { leader_ready_ = true; }

private:
  std::atomic<bool> stopping_{false};
  std::atomic<bool> leader_ready_{false};
};

// A global flag, POSIX sleeps.
static std::atomic<bool> g_running{true};
void stop_sampler() { g_running = false; }

void sampler() {
  while (g_running) {
    int v;
    while ((v = read_sensor()) < 0)
      // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: loop inside the task's stop-aware loop waits for an outside event and never checks 'g_running', so a stop request cannot end it [taskleak-loop-without-cancellation]
      // CHECK-MESSAGES: :[[@LINE-4]]:10: note: the task checks 'g_running' only here
      sleep(1);
    work();
  }
}

// A sleep of a YAML-modelled library (golike::sleep_ms).
void golike_retry(std::stop_token st) {
  while (!st.stop_requested()) {
    while (!try_connect())
      // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: loop inside the task's stop-aware loop waits for an outside event and never checks 'st', so a stop request cannot end it [taskleak-loop-without-cancellation]
      // CHECK-MESSAGES: :[[@LINE-3]]:11: note: the task checks 'st' only here
      golike::sleep_ms(20);
    work();
  }
}

// Only the outermost blind loop is reported.
void nested_blind(std::stop_token st) {
  while (!st.stop_requested()) {
    while (!try_connect()) {
      // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: loop inside the task's stop-aware loop waits for an outside event and never checks 'st', so a stop request cannot end it [taskleak-loop-without-cancellation]
      // CHECK-MESSAGES: :[[@LINE-3]]:11: note: the task checks 'st' only here
      while (read_sensor() < 0)
        std::this_thread::sleep_for(1ms);
      std::this_thread::sleep_for(10ms);
    }
  }
}

// --- Negatives -------------------------------------------------------------------

// The inner loop checks the flag too.
class CarefulLink {
public:
  void run() {
    while (!stop_) {
      while (!try_connect() && !stop_)
        std::this_thread::sleep_for(200ms);
      work();
    }
  }
  void stop() { stop_ = true; }

private:
  std::atomic<bool> stop_{false};
};

// The inner loop asks the token.
void careful_token(std::stop_token st) {
  while (!st.stop_requested()) {
    while (!try_connect()) {
      if (st.stop_requested())
        return;
      std::this_thread::sleep_for(100ms);
    }
    work();
  }
}

// Through a helper that reads the flag.
class HelperChecks {
public:
  void run() {
    while (!stop_) {
      while (!try_connect()) {
        if (stopping())
          return;
        std::this_thread::sleep_for(100ms);
      }
    }
  }
  void stop() { stop_ = true; }

private:
  bool stopping() const { return stop_; }
  std::atomic<bool> stop_{false};
};

// A bounded retry: a counted for loop.
void bounded(std::stop_token st) {
  while (!st.stop_requested()) {
    for (int i = 0; i < 5 && !try_connect(); ++i)
      std::this_thread::sleep_for(100ms);
    work();
  }
}

// A bounded retry: a countdown the loop steps.
void countdown(std::stop_token st) {
  while (!st.stop_requested()) {
    int left = 3;
    while (left-- > 0) {
      if (try_connect())
        break;
      std::this_thread::sleep_for(100ms);
    }
    work();
  }
}

// No wait between tries: a drain of a local queue.
void drain(std::stop_token st) {
  std::deque<int> q;
  while (!st.stop_requested()) {
    q.push_back(read_sensor());
    while (!q.empty()) {
      work();
      q.pop_front();
    }
  }
}

// Over a range: bounded.
void each_device(std::stop_token st, std::vector<int> &devices) {
  while (!st.stop_requested()) {
    for (int &d : devices) {
      d = read_sensor();
      std::this_thread::sleep_for(10ms);
    }
  }
}

// Boost.Thread's sleeps are interruption points: the inner loop can end.
void interruptible(std::stop_token st) {
  while (!st.stop_requested()) {
    while (!try_connect())
      boost::this_thread::sleep_for(boost::chrono::milliseconds(100));
    work();
  }
}

// A lambda made in the loop is a task of its own.
class Dispatcher {
public:
  void run() {
    while (!stop_) {
      submit_fn([] {
        while (!try_connect())
          std::this_thread::sleep_for(100ms);
      });
      work();
    }
  }
  void stop() { stop_ = true; }

private:
  std::atomic<bool> stop_{false};
};

// No stop handle at all: not a stop-aware task (and not a task here).
void plain() {
  for (int round = 0; round < 10; ++round) {
    while (!try_connect())
      std::this_thread::sleep_for(100ms);
    work();
  }
}

// A flag nothing else writes is no stop path.
class NeverStopped {
public:
  void run() {
    while (!stop_) {
      while (!try_connect())
        std::this_thread::sleep_for(100ms);
    }
  }

private:
  std::atomic<bool> stop_{false};
};

// An endless inner loop is the first rule's finding, reported once.
void endless_inner(std::stop_token st) {
  while (!st.stop_requested()) {
    while (true) {
      // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
      work();
      std::this_thread::sleep_for(10ms);
    }
  }
}

// --- Known misses ------------------------------------------------------------------

int read_with_timeout(int fd, int ms);

// FIXME: should warn: a read that keeps timing out is a wait too, but reads
// are not modelled as waits (only sleeps are).
void timed_reads(std::stop_token st, int fd) {
  while (!st.stop_requested()) {
    while (read_with_timeout(fd, 100) == 0) {
    }
    work();
  }
}

// FIXME: should warn: a local copy of the flag that a `continue` path never
// refreshes.
class StaleCopy {
public:
  void run() {
    bool running = running_;
    while (running) {
      if (!try_connect()) {
        std::this_thread::sleep_for(100ms);
        continue;
      }
      work();
      running = running_;
    }
  }
  void stop() { running_ = false; }

private:
  std::atomic<bool> running_{true};
};
