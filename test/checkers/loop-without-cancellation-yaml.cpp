// RUN: %check_taskleak -model=%S/Inputs/golike.taskleak.yaml %s taskleak-loop-without-cancellation %t

// A library described only by a YAML model: golike::go spawns (callable is
// argument 0) and golike::Context::cancelled() is a cancellation point.

#include <functional>
#include <golike.h>

int produce();
void handle(int value);
void bail_out(); // throws, but is not [[noreturn]]

// ===========================================================================
// Positive cases
// ===========================================================================

// Hard case: the lambda captures a golike::Context (a stop handle, so
// spawn-without-stop-token is silent) but the loop never asks it.
void producer(golike::Context ctx, golike::Chan<int> &ch) {
  golike::go([ctx, &ch] {
    (void)ctx;
    for (;;) {
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    // CHECK-MESSAGES: :[[@LINE-4]]:3: note: task spawned here
      ch.send(produce());
    }
  });
}

// Receiving from a channel is no cancellation point.
void consume(golike::Chan<int> &ch) {
  while (true) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-MESSAGES: :[[@LINE+6]]:3: note: task spawned here
    handle(ch.recv());
  }
}

void start_consumer(golike::Chan<int> &ch) {
  golike::go(consume, std::ref(ch));
}

// Hard case: the Context is passed as an argument, but the worker ignores it;
// the `break` only leaves the inner loop.
void batcher(golike::Context ctx, golike::Chan<int> &ch) {
  (void)ctx;
  while (true) {
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
  // CHECK-MESSAGES: :[[@LINE+11]]:3: note: task spawned here
    int v;
    while (ch.try_recv(v)) {
      if (v < 0)
        break;
      handle(v);
    }
  }
}

void start_batcher(golike::Context ctx, golike::Chan<int> &ch) {
  golike::go(batcher, ctx, std::ref(ch));
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: Context::cancelled() is a configured cancellation point.
void watcher(golike::Context ctx, golike::Chan<int> &ch) {
  golike::go([ctx, &ch] {
    for (;;) {
      if (ctx.cancelled())
        bail_out();
      ch.send(produce());
    }
  });
}

// OK: cancelled() reached through a call.
static void check(const golike::Context &ctx) {
  if (ctx.cancelled())
    bail_out();
}

void checked_worker(golike::Context ctx, golike::Chan<int> &ch) {
  while (true) {
    check(ctx);
    handle(ch.recv());
  }
}

void start_checked(golike::Context ctx, golike::Chan<int> &ch) {
  golike::go(checked_worker, ctx, std::ref(ch));
}

// OK: the loop ends when the channel is empty.
void drain(golike::Chan<int> &ch, golike::WaitGroup &wg) {
  wg.Add(1);
  golike::go([&] {
    for (;;) {
      int v;
      if (!ch.try_recv(v))
        break;
      handle(v);
    }
    wg.Done();
  });
  wg.Wait();
}

// OK (hard case): a function called `go` that is not the configured golike::go.
namespace other {
template <typename F> void go(F &&f) { (void)f; }
} // namespace other

void not_configured(golike::Chan<int> &ch) {
  other::go([&ch] {
    for (;;)
      ch.send(produce());
  });
}

// OK: never spawned.
void pump_forever(golike::Chan<int> &ch) {
  for (;;)
    ch.send(produce());
}
