// CallDepth is capped: a value above 16, or one that is not a number, is a
// configuration error (clang-tidy-config), and the analyses follow at most
// 16 levels of calls. Each function is searched once per question however the
// functions call each other: mutually recursive functions and a chain of
// 20000 calls with CallDepth 100000 once overflowed the stack.
//
// RUN: %clang_tidy --load=%plugin --checks='-*,taskleak-loop-without-cancellation' --config="{CheckOptions: {CallDepth: 100000}}" %s -- -std=c++20 2>&1 | %FileCheck %s --check-prefixes=CAPPED,FOUND --implicit-check-not=warning:
// RUN: %clang_tidy --load=%plugin --checks='-*,taskleak-loop-without-cancellation' --config="{CheckOptions: {taskleak-loop-without-cancellation.CallDepth: 17}}" %s -- -std=c++20 2>&1 | %FileCheck %s --check-prefixes=LOCAL,FOUND --implicit-check-not=warning:
// RUN: %clang_tidy --load=%plugin --checks='-*,taskleak-loop-without-cancellation' --config="{CheckOptions: {CallDepth: many}}" %s -- -std=c++20 2>&1 | %FileCheck %s --check-prefixes=NOTANUMBER,FOUND --implicit-check-not=warning:
// RUN: %clang_tidy --load=%plugin --checks='-*,taskleak-loop-without-cancellation' --config="{CheckOptions: {CallDepth: 16}}" %s -- -std=c++20 2>&1 | %FileCheck %s --check-prefixes=FOUND --implicit-check-not=warning:
//
// RUN: %python -c "n = 20000; print('\n'.join(['#include <thread>', 'void poll();'] + ['void f%%d();' %% i for i in range(n)] + ['void f%%d() { f%%d(); f%%d(); }' %% (i, i + 1, (7 * i + 3) %% n) for i in range(n - 1)] + ['void f%%d() { f0(); for (;;) { poll(); } }' %% (n - 1), 'void start() { std::thread t([] { for (;;) { f0(); } }); t.detach(); }']))" > %t.chain.cpp
// RUN: %clang_tidy --load=%plugin --checks='-*,taskleak-loop-without-cancellation' --config="{CheckOptions: {CallDepth: 100000}}" %t.chain.cpp -- -std=c++20 2>&1 | %FileCheck %s --check-prefixes=CAPPED,CHAIN --implicit-check-not=warning:

// CAPPED: warning: invalid configuration value '100000' for option 'CallDepth'; calls are followed at most 16 levels [clang-tidy-config]
// LOCAL: warning: invalid configuration value '17' for option 'CallDepth'; calls are followed at most 16 levels [clang-tidy-config]
// NOTANUMBER: warning: invalid configuration value 'many' for option 'CallDepth'; expected an integer [clang-tidy-config]
// CHAIN: chain.cpp:{{[0-9]+}}:35: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]

#include <thread>

void poll();

// Mutually recursive: ping -> pong -> ping ... and an endless loop in pong.
void pong(int n);
void ping(int n) {
  if (n > 0)
    pong(n - 1);
}
void pong(int n) {
  if (n > 0)
    ping(n - 1);
  for (;;) {
    // FOUND: :[[@LINE-1]]:3: warning: endless loop in a task reaches no cancellation point, so the task can never be stopped [taskleak-loop-without-cancellation]
    poll();
  }
}

void start() {
  std::thread t([] { ping(3); });
  t.detach();
}

// Loads the plugin into clang-tidy: not in a sanitized build (lit.cfg.py).
// REQUIRES: plugin
