// RUN: %check_taskleak -model=%S/Inputs/golike.taskleak.yaml %s taskleak-spawn-without-stop-token %t

// A library described only by a YAML model: golike::go spawns (callable is
// argument 0), golike::Context is a stop-token type and
// golike::Context::cancelled() is a cancellation point.

#include <functional>
#include <golike.h>
#include <thread>

int produce();
void handle(int value);
void bail_out(); // throws, but is not [[noreturn]]

// ===========================================================================
// Positive cases
// ===========================================================================

void producer(golike::Chan<int> &ch) {
  golike::go([&ch] {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: task spawned by 'golike::go' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    for (;;) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
      ch.send(produce());
    }
  });
}

// A named function plus arguments; receiving from a channel is not a
// cancellation point.
void consume(golike::Chan<int> &ch) {
  while (true) {
    int v = ch.recv();
    handle(v);
  }
}

void start_consumer(golike::Chan<int> &ch) {
  golike::go(consume, std::ref(ch));
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: task spawned by 'golike::go' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES: :[[@LINE-9]]:3: note: loop never exits and reaches no cancellation point
}

// Hard case: the WaitGroup's Done() after the loop is never reached, and the
// `break` only leaves the inner loop.
void fan_out(golike::Chan<int> &ch, golike::WaitGroup &wg) {
  wg.Add(1);
  golike::go([&] {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: task spawned by 'golike::go' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: loop never exits and reaches no cancellation point
      int v;
      while (ch.try_recv(v)) {
        if (v < 0)
          break;
        handle(v);
      }
    }
    wg.Done();
  });
  wg.Wait();
}

// The configured spawn function mixes with built-in ones.
void mixed(golike::Chan<int> &ch) {
  std::thread t([&ch] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
    for (;;)
      ch.send(produce());
  });
  t.join();
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: the lambda captures a golike::Context (a configured stop-token type).
void with_context(golike::Context ctx, golike::Chan<int> &ch) {
  golike::go([ctx, &ch] {
    for (;;) {
      if (ctx.cancelled())
        bail_out();
      ch.send(produce());
    }
  });
}

// OK: the Context is passed as an argument of the spawn.
void context_worker(golike::Context ctx, golike::Chan<int> &ch) {
  while (true) {
    if (ctx.cancelled())
      bail_out();
    handle(ch.recv());
  }
}

void start_context_worker(golike::Context ctx, golike::Chan<int> &ch) {
  golike::go(context_worker, ctx, std::ref(ch));
}

// OK: golike::Context::cancelled() is a configured cancellation point, even on
// a temporary context (no stop-token variable involved).
void background_worker(golike::Chan<int> &ch) {
  golike::go([&ch] {
    for (;;) {
      if (golike::background().cancelled())
        bail_out();
      ch.send(produce());
    }
  });
}

// OK: the loop leaves when the channel runs dry.
void drain(golike::Chan<int> &ch) {
  golike::go([&ch] {
    for (;;) {
      int v;
      if (!ch.try_recv(v))
        break;
      handle(v);
    }
  });
}

// OK: bounded loop.
void burst(golike::Chan<int> &ch, golike::WaitGroup &wg) {
  wg.Add(1);
  golike::go([&] {
    for (int i = 0; i < 10; ++i)
      ch.send(i);
    wg.Done();
  });
  wg.Wait();
}

// OK (hard case): a function called `go` that is not the configured
// golike::go.
namespace other {
template <typename F> void go(F &&f) { (void)f; }
} // namespace other

void not_configured(golike::Chan<int> &ch) {
  other::go([&ch] {
    for (;;)
      ch.send(produce());
  });
}

// OK: the callable is only declared.
void external_consumer(golike::Chan<int> &ch);

void start_external(golike::Chan<int> &ch) {
  golike::go(external_consumer, std::ref(ch));
}
