// RUN: %check_taskleak %s taskleak-loop-without-cancellation %t

// Boost.Asio coroutines. Every coroutine is a task body; for this check
// co_await is a cancellation point (a cancelled Asio operation completes with
// an error and ends the coroutine), so only loops that never suspend are
// reported.

#include <boost/asio.hpp>
#include <chrono>

namespace asio = boost::asio;
using namespace std::chrono_literals;

void send_ping();
void crunch();
bool ready();
int next_event();
void handle(int value);
void log_cancelled();
asio::awaitable<int> read_value();

// ===========================================================================
// Positive cases
// ===========================================================================

// A co_spawned coroutine that busy-waits: the note points at the co_spawn.
asio::awaitable<void> busy_waiter() {
  co_await asio::this_coro::executor;
  while (true) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-MESSAGES: :[[@LINE+9]]:3: note: task spawned here
    if (ready())
      crunch();
  }
}

void start_busy_waiter(asio::io_context &io) {
  // A cancellation slot does not help a coroutine that never suspends.
  asio::cancellation_signal signal;
  asio::co_spawn(io, busy_waiter(),
                 asio::bind_cancellation_slot(signal.slot(), asio::detached));
}

// A coroutine lambda spawned with `detached`.
void start_lambda(asio::io_context &io) {
  asio::co_spawn(
      io,
      []() -> asio::awaitable<void> {
        for (;;) {
        // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
        // CHECK-MESSAGES: :[[@LINE-5]]:3: note: task spawned here
          crunch();
        }
        co_return;
      },
      asio::detached);
}

// Spawned with use_awaitable and awaited: still a task whose loop never
// suspends. Reported once, although the co_spawn sits inside a co_await.
asio::awaitable<void> spinner() {
  for (;;) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-MESSAGES: :[[@LINE+8]]:12: note: task spawned here
    handle(next_event());
  }
  co_return;
}

asio::awaitable<void> parent() {
  auto ex = co_await asio::this_coro::executor;
  co_await asio::co_spawn(ex, spinner(), asio::use_awaitable);
}

// A coroutine that is never spawned: still a task body, but no note.
asio::awaitable<int> compute() {
  int acc = co_await read_value();
  while (true) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    acc += next_event();
    if (acc < 0)
      log_cancelled();
  }
}

// Hard case: the co_await before the loop does not count, and the only
// `break` leaves the nested switch.
asio::awaitable<void> dispatcher(asio::steady_timer &timer) {
  co_await timer.async_wait(asio::use_awaitable);
  for (;;) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-MESSAGES: :[[@LINE+12]]:3: note: task spawned here
    switch (next_event()) {
    case 0:
      break;
    default:
      crunch();
    }
  }
}

void start_dispatcher(asio::io_context &io, asio::steady_timer &timer) {
  using boost::asio::co_spawn;
  co_spawn(io, dispatcher(timer), asio::detached);
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK (hard case): a detached heartbeat. spawn-without-stop-token reports it;
// for this check the co_await in the loop is a cancellation point.
asio::awaitable<void> heartbeat(asio::steady_timer &timer) {
  for (;;) {
    timer.expires_after(1s);
    co_await timer.async_wait(asio::use_awaitable);
    send_ping();
  }
}

void start_heartbeat(asio::io_context &io, asio::steady_timer &timer) {
  asio::co_spawn(io, heartbeat(timer), asio::detached);
}

// OK: co_await of another coroutine.
asio::awaitable<void> reader() {
  while (true) {
    int v = co_await read_value();
    handle(v);
  }
}

void start_reader(asio::io_context &io) {
  asio::co_spawn(io.get_executor(), reader(), asio::detached);
}

// OK: the cancellation state is checked in the loop.
asio::awaitable<void> state_checker() {
  for (;;) {
    asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none)
      log_cancelled();
    crunch();
  }
}

// OK: the loop co_returns.
asio::awaitable<void> finite() {
  for (;;) {
    if (!ready())
      co_return;
    crunch();
  }
}

// OK: bounded loop in a coroutine.
asio::awaitable<void> bounded() {
  for (int i = 0; i < 4; ++i)
    crunch();
  co_return;
}

// OK: the loop condition is not constant.
asio::awaitable<void> conditional() {
  while (ready())
    crunch();
  co_return;
}

// OK: endless loop in an ordinary (non-coroutine) function that is not spawned.
void event_loop(asio::io_context &io) {
  for (;;)
    io.run();
}

// OK: the spawned coroutine is only declared.
asio::awaitable<void> external();

void start_external(asio::io_context &io) {
  asio::co_spawn(io, external(), asio::detached);
}
