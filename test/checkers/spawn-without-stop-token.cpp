// RUN: %check_taskleak %s taskleak-spawn-without-stop-token %t

// Standard-library spawns (std::thread, std::jthread, containers of threads,
// std::make_unique<std::thread>). std::async lives in -other.cpp.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

void poll();
void handle(int value);
int next_event();
bool should_stop();
void process(std::stop_token token);
[[noreturn]] void fatal(const char *what);

// ===========================================================================
// Positive cases
// ===========================================================================

void inline_lambda() {
  std::thread t([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
      poll();
    }
  });
  t.join();
}

// A local lambda variable; the thread is detached.
void local_lambda_variable() {
  std::deque<int> queue;
  auto pump = [&queue] {
    for (;;) {
      if (!queue.empty())
        handle(queue.front());
    }
  };
  std::thread t(pump);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES: :[[@LINE-7]]:5: note: loop never exits and reaches no cancellation point
  t.detach();
}

// A plain function, temporary thread detached right away.
void reaper() {
  for (;;) {
    poll();
  }
}

void temporary_detached() {
  std::thread(reaper).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES: :[[@LINE-8]]:3: note: loop never exits and reaches no cancellation point
}

// A function pointer with an argument; `auto t = std::thread(...)` reports at
// `std`.
void heartbeat(int period_ms) {
  while (1) {
    std::this_thread::sleep_for(std::chrono::milliseconds(period_ms));
    poll();
  }
}

void function_pointer_with_argument() {
  auto t = std::thread(&heartbeat, 250);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  t.join();
}

// The endless loop is two calls away from the task body.
void serve_one() { handle(next_event()); }
void serve_forever() {
  while (true)
    serve_one();
}
void start_server() { serve_forever(); }

void loop_in_called_function() {
  std::thread t([] { start_server(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  t.join();
}

// Member function pointer.
class Poller {
public:
  void run() {
    for (;;)
      poll();
  }
};

void member_function_pointer() {
  Poller poller;
  std::thread t(&Poller::run, &poller);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  t.join();
}

// A functor.
struct Spinner {
  void operator()() const {
    do {
      poll();
    } while (true);
  }
};

void functor() {
  std::thread t{Spinner{}};
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES: :[[@LINE-9]]:5: note: loop never exits and reaches no cancellation point
  t.join();
}

// std::bind.
void consume(std::deque<int> &queue, int batch) {
  for (;;) {
    for (int i = 0; i < batch && !queue.empty(); ++i)
      queue.pop_front();
  }
}

void bound_callable() {
  std::deque<int> queue;
  std::thread t(std::bind(&consume, std::ref(queue), 16));
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  t.join();
}

// std::bind_front, and std::make_shared<std::thread>.
void sample(int channel, int period_ms) {
  while (true) {
    handle(channel);
    std::this_thread::sleep_for(std::chrono::milliseconds(period_ms));
  }
}

void bind_front_callable() {
  std::thread t(std::bind_front(&sample, 3, 10));
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  t.join();
}

void shared_thread() {
  auto th = std::make_shared<std::thread>(sample, 4, 10);
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  th->detach();
}

// A jthread whose lambda takes no std::stop_token: request_stop() is useless.
void jthread_without_token() {
  std::jthread worker([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: task spawned by 'std::jthread' runs an endless loop but takes no std::stop_token, so the jthread's stop request never reaches it [taskleak-spawn-without-stop-token]
    while (1) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
      poll();
    }
  });
}

// A thread pool built with emplace_back reports at the container.
void thread_pool(int n) {
  std::vector<std::thread> pool;
  for (int i = 0; i < n; ++i)
    pool.emplace_back([i] {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
      for (;;)
        handle(i);
    });
  for (auto &t : pool)
    t.join();
}

// std::make_unique<std::thread>.
void heap_thread() {
  auto th = std::make_unique<std::thread>([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    while (true)
      poll();
  });
  th->join();
}

// A thread member assigned from a temporary.
class Ticker {
public:
  void start() {
    worker_ = std::thread([this] {
    // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
      for (;;)
        tick();
    });
  }
  ~Ticker() {
    if (worker_.joinable())
      worker_.join();
  }

private:
  void tick() { ++ticks_; }
  std::thread worker_;
  std::atomic<long> ticks_{0};
};

// Extra thread arguments; std::this_thread::sleep_for is not a cancellation
// point.
void sleeping_poller() {
  std::thread t(
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
      [](int id) {
        while (true) {
          handle(id);
          std::this_thread::sleep_for(100ms);
        }
      },
      7);
  t.join();
}

// Hard case: the only `break` belongs to a nested switch.
void break_only_in_switch() {
  std::thread t([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
      switch (next_event()) {
      case 0:
        break;
      default:
        handle(1);
        break;
      }
    }
  });
  t.join();
}

// Hard case: the only `break` belongs to a nested loop.
void break_only_in_nested_loop() {
  std::thread t([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    for (;;) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
      for (int i = 0; i < 8; ++i) {
        if (next_event() < 0)
          break;
        handle(i);
      }
    }
  });
  t.join();
}

// Hard case: the only `return` is inside a nested lambda.
void return_only_in_nested_lambda() {
  std::vector<int> items;
  std::thread t([&items] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
      std::for_each(items.begin(), items.end(), [](int v) {
        if (v < 0)
          return;
        handle(v);
      });
    }
  });
  t.join();
}

// Hard case: the condition is not the literal `true` but folds to it.
constexpr bool kRunForever = true;

void constant_condition() {
  std::thread t([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    while (kRunForever && !false) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
      poll();
    }
  });
  t.join();
}

// Hard case: waiting on a plain std::condition_variable is not a cancellation
// point (no stop token reaches it), and the `return` is in the predicate.
void condition_variable_without_token() {
  std::mutex m;
  std::condition_variable cv;
  std::deque<int> queue;
  std::thread t([&] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    for (;;) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, [&] { return !queue.empty(); });
      handle(queue.front());
      queue.pop_front();
    }
  });
  t.join();
}

// Hard case: `goto` to a label inside the loop is no way out.
void goto_inside_loop() {
  std::thread t([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
    retry:
      if (next_event() < 0)
        goto retry;
      poll();
    }
  });
  t.join();
}

// Hard case: an atomic<bool> that is read inside the loop but never ends it.
std::atomic<bool> g_paused{false};

void atomic_read_but_no_exit() {
  std::thread t([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
      if (g_paused.load())
        continue;
      poll();
    }
  });
  t.join();
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: the loop condition reads an std::atomic<bool>; the loop is not endless.
std::atomic<bool> g_running{true};

void atomic_flag_condition() {
  std::thread t([] {
    while (g_running.load(std::memory_order_relaxed))
      poll();
  });
  g_running = false;
  t.join();
}

// OK: bounded loop.
void bounded_loop() {
  std::thread t([] {
    for (int i = 0; i < 1000; ++i)
      handle(i);
  });
  t.join();
}

// OK: the loop breaks.
void loop_with_break() {
  std::thread t([] {
    while (true) {
      if (next_event() < 0)
        break;
      poll();
    }
  });
  t.join();
}

// OK: a `break` nested in an `if` inside a `try` still leaves the loop.
void loop_with_break_in_try() {
  std::thread t([] {
    for (;;) {
      try {
        if (should_stop())
          break;
        poll();
      } catch (const std::exception &) {
        handle(-1);
      }
    }
  });
  t.join();
}

// OK: the loop returns.
void loop_with_return() {
  std::thread t([] {
    for (;;) {
      int ev = next_event();
      if (ev == 0)
        return;
      handle(ev);
    }
  });
  t.join();
}

// OK: `return` inside a nested switch leaves the loop (unlike `break`).
void return_inside_switch() {
  std::thread t([] {
    while (true) {
      switch (next_event()) {
      case 0:
        return;
      default:
        poll();
        break;
      }
    }
  });
  t.join();
}

// OK: the loop throws.
void loop_with_throw() {
  std::thread t([] {
    while (true) {
      if (next_event() < 0)
        throw std::runtime_error("connection lost");
      poll();
    }
  });
  t.detach();
}

// std::exit ends the process, not the loop (issue 9): the task runs as long
// as the process and nothing can ask it to stop. (This was a negative case
// while every noreturn call counted as a way out.)
void loop_with_exit() {
  std::thread t([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    while (1) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
      if (should_stop())
        std::exit(0);
      poll();
    }
  });
  t.detach();
}

// OK: calls a [[noreturn]] function.
void loop_with_noreturn_call() {
  std::thread t([] {
    for (;;) {
      if (next_event() < 0)
        fatal("event source died");
      poll();
    }
  });
  t.detach();
}

// OK: `goto` to a label after the loop leaves it.
void loop_with_goto_out() {
  std::thread t([] {
    while (true) {
      if (should_stop())
        goto done;
      poll();
    }
  done:
    handle(0);
  });
  t.join();
}

// OK: the jthread's lambda takes the std::stop_token and checks it.
void jthread_checks_token() {
  std::jthread worker([](std::stop_token st) {
    while (!st.stop_requested())
      poll();
  });
}

// OK: the jthread's lambda takes a std::stop_token (a stop handle) even though
// this loop ignores it; loop-without-cancellation reports the loop instead.
void jthread_takes_token_but_ignores_it() {
  std::jthread worker([](std::stop_token) {
    for (;;)
      poll();
  });
}

// OK: the stop_token is checked inside an endless loop.
void jthread_checks_token_in_loop() {
  std::jthread worker([](std::stop_token st) {
    while (true) {
      if (st.stop_requested())
        break;
      poll();
    }
  });
}

// OK: a std::stop_source& is passed through std::ref.
void watch(std::stop_source &source) {
  (void)source;
  for (;;) {
    poll();
  }
}

void stop_source_by_ref() {
  std::stop_source source;
  std::thread t(watch, std::ref(source));
  source.request_stop();
  t.join();
}

// OK: the lambda captures a std::stop_source.
void captured_stop_source() {
  std::stop_source source;
  std::thread t([&source] {
    while (true) {
      if (source.stop_requested())
        return;
      poll();
    }
  });
  source.request_stop();
  t.join();
}

// OK: a std::stop_token is passed as a thread argument.
void token_worker(std::stop_token st, int id) {
  while (true) {
    process(st);
    handle(id);
  }
}

void token_as_argument() {
  std::stop_source source;
  std::thread t(token_worker, source.get_token(), 3);
  source.request_stop();
  t.join();
}

// OK: condition_variable_any::wait with a stop token is a cancellation point.
void condition_variable_any_with_token() {
  std::mutex m;
  std::condition_variable_any cv;
  std::deque<int> queue;
  std::jthread t([&](std::stop_token st) {
    for (;;) {
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, st, [&] { return !queue.empty(); });
      if (!queue.empty())
        queue.pop_front();
    }
  });
}

// OK: a member std::stop_source is referenced by the task.
class Service {
public:
  void start() {
    worker_ = std::thread(&Service::run, this);
  }
  void stop() {
    stop_.request_stop();
    worker_.join();
  }

private:
  void run() {
    std::stop_token token = stop_.get_token();
    for (;;)
      process(token);
  }
  std::stop_source stop_;
  std::thread worker_;
};

// OK: endless loop in a function that is never spawned (e.g. the main thread's
// event loop).
[[maybe_unused]] static void main_event_loop() {
  for (;;)
    handle(next_event());
}

// OK: the callable is only declared; its body is not visible.
void external_worker();

void invisible_callable() {
  std::thread t(external_worker);
  t.join();
}

// OK: the loop condition is not constant.
void data_dependent_loop() {
  std::thread t([] {
    do {
      poll();
    } while (next_event() != 0);
  });
  t.join();
}
