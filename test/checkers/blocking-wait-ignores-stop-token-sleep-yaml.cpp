// RUN: %check_taskleak -model=%S/Inputs/golike-waits.taskleak.yaml %s taskleak-blocking-wait-ignores-stop-token %t

// A sleep described only by a YAML model (`sleeps:` golike::sleep_ms, in
// milliseconds) in the loop of a task with a YAML stop token
// (golike::Context).

#include <golike.h>

void handle(int value);
unsigned configured_interval();

void ticker(golike::Context ctx) {
  while (!ctx.cancelled()) {
    handle(1);
    golike::sleep_ms(5000);
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'golike::sleep_ms' sleeps for 5 s and a stop request on 'ctx' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-5]]:29: note: stop requests reach the task through 'ctx'
  }
}

void configured(golike::Context ctx) {
  golike::go([ctx] {
    while (!ctx.cancelled())
      golike::sleep_ms(configured_interval());
    // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: 'golike::sleep_ms' sleeps for a time that is not a constant and a stop request on 'ctx' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-4]]:15: note: stop requests reach the task through the captured 'ctx'
  });
}

// Negatives: a short poll; a sleep outside the loop.
void poller(golike::Context ctx) {
  golike::sleep_ms(3000);
  while (!ctx.cancelled())
    golike::sleep_ms(20);
}
