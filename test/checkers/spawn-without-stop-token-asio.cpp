// RUN: %check_taskleak %s taskleak-spawn-without-stop-token %t

// Boost.Asio C++20 coroutines spawned with co_spawn. For this check co_await is
// NOT a cancellation point: a detached coroutine whose endless loop only waits
// on timers is exactly what it looks for.

#include <boost/asio.hpp>
#include <chrono>
#include <exception>

namespace asio = boost::asio;
using namespace std::chrono_literals;

void send_ping();
void crunch();
int next_event();
void handle(int value);
void log_cancelled();

// ===========================================================================
// Positive cases
// ===========================================================================

// The classic: a detached heartbeat.
asio::awaitable<void> heartbeat(asio::steady_timer &timer) {
  for (;;) {
    timer.expires_after(1s);
    co_await timer.async_wait(asio::use_awaitable);
    send_ping();
  }
}

void start_heartbeat(asio::io_context &io, asio::steady_timer &timer) {
  boost::asio::co_spawn(io, heartbeat(timer), boost::asio::detached);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: coroutine spawned by 'boost::asio::co_spawn' runs an endless loop; its completion token binds no cancellation slot and it never checks its cancellation state [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES: :[[@LINE-10]]:3: note: loop never exits and reaches no cancellation point
}

// Through a namespace alias, with an executor, and the timer created from
// this_coro::executor.
asio::awaitable<void> poller() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (true) {
    timer.expires_after(10ms);
    co_await timer.async_wait(asio::use_awaitable);
    handle(next_event());
  }
}

void start_poller(asio::io_context &io) {
  asio::co_spawn(io.get_executor(), poller(), asio::detached);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: coroutine spawned by 'boost::asio::co_spawn' runs an endless loop; its completion token binds no cancellation slot and it never checks its cancellation state [taskleak-spawn-without-stop-token]
}

// A coroutine lambda.
void start_lambda(asio::io_context &io, asio::steady_timer &timer) {
  asio::co_spawn(
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: coroutine spawned by 'boost::asio::co_spawn' runs an endless loop; its completion token binds no cancellation slot and it never checks its cancellation state [taskleak-spawn-without-stop-token]
      io,
      [&timer]() -> asio::awaitable<void> {
        while (true) {
        // CHECK-MESSAGES: :[[@LINE-1]]:9: note: loop never exits and reaches no cancellation point
          timer.expires_after(5s);
          co_await timer.async_wait(asio::use_awaitable);
          send_ping();
        }
      },
      asio::detached);
}

// A completion callback instead of `detached`: still nothing can cancel it.
asio::awaitable<void> reporter(asio::steady_timer &timer) {
  while (true) {
    timer.expires_after(30s);
    co_await timer.async_wait(asio::use_awaitable);
    send_ping();
  }
}

void start_reporter_with_callback(asio::io_context &io,
                                  asio::steady_timer &timer) {
  asio::co_spawn(io, reporter(timer), [](std::exception_ptr e) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: coroutine spawned by 'boost::asio::co_spawn' runs an endless loop; its completion token binds no cancellation slot and it never checks its cancellation state [taskleak-spawn-without-stop-token]
    if (e)
      std::rethrow_exception(e);
  });
}

// An await of an operation we cannot see (a read, a receive) ends with an
// error when its source goes away: the loop is not reported. Only timer
// waits and reschedules never fail on their own.
asio::awaitable<int> read_value();

asio::awaitable<void> reader() {
  for (;;) {
    int v = co_await read_value();
    handle(v);
  }
}

void start_reader(asio::io_context &io) {
  asio::co_spawn(io, reader(), asio::detached); // OK: awaits unseen I/O
}

// A coroutine of ours that only sleeps is no way out either.
asio::awaitable<void> nap(asio::steady_timer &timer) {
  timer.expires_after(std::chrono::seconds(1));
  co_await timer.async_wait(asio::use_awaitable);
}

asio::awaitable<void> napper(asio::steady_timer &timer) {
  for (;;) {
    co_await nap(timer);
    handle(0);
  }
}

void start_napper(asio::io_context &io, asio::steady_timer &timer) {
  asio::co_spawn(io, napper(timer), asio::detached);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: coroutine spawned by 'boost::asio::co_spawn' runs an endless loop; its completion token binds no cancellation slot and it never checks its cancellation state [taskleak-spawn-without-stop-token]
}

// Hard case: the `break` only leaves the switch.
asio::awaitable<void> dispatcher(asio::steady_timer &timer) {
  while (true) {
    co_await timer.async_wait(asio::use_awaitable);
    switch (next_event()) {
    case 0:
      break;
    default:
      crunch();
      break;
    }
  }
}

void start_dispatcher(asio::io_context &io, asio::steady_timer &timer) {
  using boost::asio::co_spawn;
  co_spawn(io, dispatcher(timer), asio::detached);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: coroutine spawned by 'boost::asio::co_spawn' runs an endless loop; its completion token binds no cancellation slot and it never checks its cancellation state [taskleak-spawn-without-stop-token]
}

// Hard case: the loop is in a coroutine the spawned one awaits.
asio::awaitable<void> pump(asio::steady_timer &timer) {
  for (;;) {
    co_await timer.async_wait(asio::use_awaitable);
    crunch();
  }
}

asio::awaitable<void> session(asio::steady_timer &timer) {
  send_ping();
  co_await pump(timer);
}

void start_session(asio::io_context &io, asio::steady_timer &timer) {
  asio::co_spawn(io, session(timer), asio::detached);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: coroutine spawned by 'boost::asio::co_spawn' runs an endless loop; its completion token binds no cancellation slot and it never checks its cancellation state [taskleak-spawn-without-stop-token]
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: use_awaitable; the spawner awaits the child and cancellation propagates.
asio::awaitable<void> child_loop(asio::steady_timer &timer) {
  for (;;) {
    co_await timer.async_wait(asio::use_awaitable);
    send_ping();
  }
}

asio::awaitable<void> parent(asio::steady_timer &timer) {
  auto ex = co_await asio::this_coro::executor;
  co_await asio::co_spawn(ex, child_loop(timer), asio::use_awaitable);
}

// OK: the completion token binds a cancellation slot.
asio::awaitable<void> cancellable_loop(asio::steady_timer &timer) {
  while (true) {
    co_await timer.async_wait(asio::use_awaitable);
    send_ping();
  }
}

void start_cancellable(asio::io_context &io, asio::steady_timer &timer,
                       asio::cancellation_signal &signal) {
  asio::co_spawn(io, cancellable_loop(timer),
                 asio::bind_cancellation_slot(signal.slot(), asio::detached));
}

// OK: the loop checks the coroutine's cancellation state (and reports it
// through a helper that throws, so there is no visible way out).
asio::awaitable<void> state_checking_loop(asio::steady_timer &timer) {
  for (;;) {
    asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none)
      log_cancelled();
    co_await timer.async_wait(asio::use_awaitable);
  }
}

void start_state_checking(asio::io_context &io, asio::steady_timer &timer) {
  asio::co_spawn(io, state_checking_loop(timer), asio::detached);
}

// OK: throw_if_cancelled makes the next co_await throw once cancelled.
asio::awaitable<void> throwing_loop(asio::steady_timer &timer) {
  while (true) {
    co_await asio::this_coro::throw_if_cancelled(true);
    co_await timer.async_wait(asio::use_awaitable);
    crunch();
  }
}

void start_throwing(asio::io_context &io, asio::steady_timer &timer) {
  asio::co_spawn(io, throwing_loop(timer), asio::detached);
}

// OK: the loop co_returns.
asio::awaitable<void> finite_reader() {
  for (;;) {
    int v = co_await read_value();
    if (v < 0)
      co_return;
    handle(v);
  }
}

void start_finite_reader(asio::io_context &io) {
  asio::co_spawn(io, finite_reader(), asio::detached);
}

// OK: bounded loop.
asio::awaitable<void> burst(asio::steady_timer &timer) {
  for (int i = 0; i < 3; ++i) {
    co_await timer.async_wait(asio::use_awaitable);
    send_ping();
  }
}

void start_burst(asio::io_context &io, asio::steady_timer &timer) {
  asio::co_spawn(io, burst(timer), asio::detached);
}

// OK: an endless coroutine that is never spawned (awaited by nobody here).
asio::awaitable<void> unused_loop(asio::steady_timer &timer) {
  for (;;)
    co_await timer.async_wait(asio::use_awaitable);
}

// OK: the coroutine is only declared; its body is not visible.
asio::awaitable<void> external_loop();

void start_external(asio::io_context &io) {
  asio::co_spawn(io, external_loop(), asio::detached);
}
