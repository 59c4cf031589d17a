// RUN: %check_taskleak -model=%S/Inputs/golike-waits.taskleak.yaml %s taskleak-blocking-wait-ignores-stop-token %t

// A library described only by a YAML model: golike::Context is a stop-token
// type, golike::Chan a channel (recv blocks, try_recv does not, close wakes
// receivers), and golike::Mailbox a `blocking-waits:` entry (take blocks,
// close wakes).

#include <functional>
#include <golike.h>

void handle(int value);

// ===========================================================================
// Positive cases
// ===========================================================================

// A channel receive in a function with a configured stop-token parameter.
void consume(golike::Context ctx, golike::Chan<int> &ch) {
  while (!ctx.cancelled())
    handle(ch.recv());
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: 'golike::Chan::recv' blocks and a stop request on 'ctx' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
  // CHECK-MESSAGES: :[[@LINE-4]]:30: note: stop requests reach the task through 'ctx'
}

// A YAML blocking wait in a spawned lambda that captures the context.
golike::Mailbox<int> g_box;
void spawn_reader(golike::Context ctx) {
  golike::go([ctx] {
    while (!ctx.cancelled())
      handle(g_box.take());
    // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'golike::Mailbox::take' blocks and a stop request on 'ctx' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-4]]:15: note: stop requests reach the task through the captured 'ctx'
  });
}

// A wait group's wait.
void waits_for_group(golike::Context ctx, golike::WaitGroup &wg) {
  (void)ctx;
  wg.Wait();
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: 'golike::WaitGroup::Wait' blocks and a stop request on 'ctx' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
  // CHECK-MESSAGES: :[[@LINE-4]]:38: note: stop requests reach the task through 'ctx'
}

// ===========================================================================
// Negative cases
// ===========================================================================

// try_recv does not block.
void polls(golike::Context ctx, golike::Chan<int> &ch) {
  int v = 0;
  while (!ctx.cancelled())
    if (ch.try_recv(v))
      handle(v);
}

// The owner cancels the context and closes the mailbox in the same function:
// the reader is woken.
class Reader {
public:
  void start() {
    golike::go([this] { run(ctx_); });
  }
  void stop() {
    ctx_.cancel();
    box_.close();
  }

private:
  void run(golike::Context ctx) {
    while (!ctx.cancelled())
      handle(box_.take());
  }
  golike::Context ctx_;
  golike::Mailbox<int> box_;
};

// No stop token: not this check's business.
void no_context(golike::Chan<int> &ch) { handle(ch.recv()); }

// A channel the task owns: only work it started can send on it.
void owns_channel(golike::Context ctx) {
  golike::Chan<int> results(1);
  golike::go([&results] { results.send(1); });
  if (!ctx.cancelled())
    handle(results.recv());
}
