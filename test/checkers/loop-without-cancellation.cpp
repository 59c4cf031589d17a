// RUN: %check_taskleak %s taskleak-loop-without-cancellation %t

// Standard library tasks: spawned callables, functions with a std::stop_token
// parameter, and coroutines. For this check co_await/co_yield ARE
// cancellation points; std::this_thread::sleep_for is not.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <coroutine>
#include <cstdlib>
#include <deque>
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
void on_stop(); // throws, but is not [[noreturn]]
[[noreturn]] void fatal(const char *what);

// Minimal coroutine types.
template <typename T> struct Generator {
  struct promise_type {
    T current{};
    Generator get_return_object() {
      return Generator{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(T value) {
      current = value;
      return {};
    }
    void return_void() {}
    void unhandled_exception() {}
  };
  std::coroutine_handle<promise_type> handle;
};

struct Task {
  struct promise_type {
    Task get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};

// ===========================================================================
// Positive cases
// ===========================================================================

// Spawned lambda; sleep_for is no cancellation point.
void sleeping_thread() {
  std::thread t([] {
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: task spawned here
      poll();
      std::this_thread::sleep_for(50ms);
    }
  });
  t.join();
}

// Hard case: the jthread lambda takes a std::stop_token but the loop ignores
// it (spawn-without-stop-token is silent here; this check is not).
void jthread_ignores_token() {
  std::jthread worker([](std::stop_token st) {
    (void)st;
    for (;;) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-4]]:16: note: task spawned here
      poll();
    }
  });
}

// A function with a std::stop_token parameter is a task body even if it is
// never spawned in this file; no "task spawned here" note.
void drain_queue(std::stop_token st, std::deque<int> &queue) {
  (void)st;
  while (1) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    if (!queue.empty())
      queue.pop_front();
  }
}

// Hard case: waiting on a plain std::condition_variable is no cancellation
// point, even in a function that has a stop token.
void consumer(std::stop_token st, std::mutex &m, std::condition_variable &cv,
              std::deque<int> &queue) {
  (void)st;
  for (;;) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return !queue.empty(); });
    handle(queue.front());
    queue.pop_front();
  }
}

// Any coroutine is a task body; a co_await before the loop does not help.
Task spin_after_start() {
  co_await std::suspend_always{};
  for (;;) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    poll();
  }
}

// Hard case: the only `break` belongs to a nested switch.
void break_only_in_switch() {
  std::thread t([] {
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: task spawned here
      switch (next_event()) {
      case 0:
        break;
      default:
        poll();
      }
    }
  });
  t.join();
}

// Hard case: the only `return` is inside a nested lambda.
void return_only_in_nested_lambda(std::vector<int> &items) {
  std::thread t([&items] {
    for (;;) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: task spawned here
      std::for_each(items.begin(), items.end(), [](int v) {
        if (v < 0)
          return;
        handle(v);
      });
    }
  });
  t.join();
}

// The loop is two calls away from the spawned lambda; the note points at the
// spawn.
void pump_once() { handle(next_event()); }
void pump_forever() {
  while (true)
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-MESSAGES: :[[@LINE+6]]:15: note: task spawned here
    pump_once();
}
void run_pump() { pump_forever(); }

void loop_in_called_function() {
  std::thread t([] { run_pump(); });
  t.join();
}

// A thread pool built with emplace_back: the note points at the container.
void thread_pool(int n) {
  std::vector<std::thread> pool;
  for (int i = 0; i < n; ++i)
    pool.emplace_back([i] {
      do {
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
      // CHECK-MESSAGES: :[[@LINE-3]]:5: note: task spawned here
        handle(i);
      } while (true);
    });
  for (auto &t : pool)
    t.join();
}

// A functor, started through std::make_unique<std::thread>.
struct Spinner {
  void operator()() const {
    for (; true;)
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE+6]]:13: note: task spawned here
      poll();
  }
};

void heap_thread() {
  auto th = std::make_unique<std::thread>(Spinner{});
  th->join();
}

// A member function pointer.
class Poller {
public:
  void run() {
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE+8]]:15: note: task spawned here
      poll();
    }
  }
};

void member_function_pointer() {
  Poller poller;
  std::thread t(&Poller::run, &poller);
  t.join();
}

// Hard case: `goto` to a label inside the loop is no way out.
void goto_inside_loop() {
  std::thread t([] {
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: task spawned here
    again:
      if (next_event() < 0)
        goto again;
      poll();
    }
  });
  t.join();
}

// Hard case: an atomic flag read inside the loop that never ends it.
std::atomic<bool> g_paused{false};

void atomic_read_but_no_exit() {
  auto t = std::thread([] {
    for (;;) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:12: note: task spawned here
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

// OK: the loop condition checks the stop token.
void checks_token(std::stop_token st) {
  while (!st.stop_requested())
    poll();
}

// OK: the stop token is checked inside the loop; the handler is not even
// [[noreturn]], the check itself is the cancellation point.
void checks_token_in_body(std::stop_token st) {
  for (;;) {
    if (st.stop_requested())
      on_stop();
    poll();
  }
}

// OK: a call that is passed the stop token is a cancellation point.
void passes_token_on(std::stop_token st) {
  while (true) {
    process(st);
    handle(next_event());
  }
}

// OK: condition_variable_any::wait(lock, token, pred) is a cancellation point.
void waits_with_token(std::mutex &m, std::condition_variable_any &cv,
                      std::deque<int> &queue) {
  std::jthread t([&](std::stop_token st) {
    for (;;) {
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, st, [&] { return !queue.empty(); });
      if (!queue.empty())
        queue.pop_front();
    }
  });
}

// OK: stop_requested() on a global stop_source is reached through a call.
std::stop_source g_shutdown;
bool shutting_down() { return g_shutdown.stop_requested(); }

void checks_through_call() {
  std::thread t([] {
    while (true) {
      if (shutting_down())
        on_stop();
      poll();
    }
  });
  t.join();
}

// OK: atomic<bool> loop condition; not an endless loop.
std::atomic<bool> g_running{true};

void atomic_condition() {
  std::thread t([] {
    while (g_running)
      poll();
  });
  t.join();
}

// OK: bounded loop.
void bounded() {
  std::thread t([] {
    for (int i = 0; i < 10; ++i)
      poll();
  });
  t.join();
}

// OK: ways out: break, return, throw, [[noreturn]], goto out. (std::exit ends
// the process, not the loop: d is reported since issue 9.)
void ways_out() {
  std::thread a([] {
    while (true) {
      if (should_stop())
        break;
      poll();
    }
  });
  std::thread b([] {
    for (;;) {
      if (next_event() == 0)
        return;
    }
  });
  std::thread c([] {
    while (true) {
      if (next_event() < 0)
        throw std::runtime_error("lost");
    }
  });
  std::thread d([] {
    while (1) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: task spawned here
      if (should_stop())
        std::exit(0);
      poll();
    }
  });
  std::thread e([] {
    for (;;) {
      if (next_event() < 0)
        fatal("dead");
    }
  });
  std::thread f([] {
    while (true) {
      if (should_stop())
        goto out;
      poll();
    }
  out:
    handle(0);
  });
  a.join();
  b.join();
  c.join();
  d.join();
  e.join();
  f.join();
}

// OK: endless loop in an ordinary function that is never spawned.
int serve_main_thread() {
  for (;;)
    handle(next_event());
}

// OK: co_yield is a cancellation point for this check.
Generator<int> counter() {
  for (int i = 0;; ++i)
    co_yield i;
}

// OK: co_await in the loop is a cancellation point for this check.
Task awaiting_loop() {
  while (true) {
    co_await std::suspend_always{};
    poll();
  }
}

// OK: the spawned callable is only declared.
void external_worker();

void invisible_callable() {
  std::thread t(external_worker);
  t.join();
}

// OK: data-dependent do-while.
void data_dependent() {
  std::thread t([] {
    do {
      poll();
    } while (next_event() != 0);
  });
  t.join();
}
