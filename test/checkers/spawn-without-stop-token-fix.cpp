// RUN: %check_taskleak %s taskleak-spawn-without-stop-token %t
// RUN: %check_taskleak -std=c++17 -check-suffix=CXX17 %s taskleak-spawn-without-stop-token %t

// Fix-its: std::thread -> std::jthread (C++20 only). In C++17 the same code
// is diagnosed but never rewritten (CHECK-FIXES-CXX17 below).

#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

void poll();
int next_event();
void handle(int value);
void adopt(std::thread &t);
constexpr bool kForever = true;

// ===========================================================================
// Fixed
// ===========================================================================

void fix_while_true() {
  std::thread worker([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  std::jthread worker([](std::stop_token token) {
  // CHECK-FIXES-CXX17: {{^}}  std::thread worker([] {
    while (true) {
    // CHECK-FIXES: {{^}}    while (!token.stop_requested()) {
    // CHECK-FIXES-CXX17: {{^}}    while (true) {
      poll();
    }
  });
  worker.join();
  // CHECK-FIXES: {{^}}  worker.request_stop(); worker.join();
  // CHECK-FIXES-CXX17: {{^}}  worker.join();
}

void fix_for_ever_joinable() {
  std::thread poller([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  std::jthread poller([](std::stop_token token) {
    for (;;) {
    // CHECK-FIXES: {{^}}    while (!token.stop_requested()) {
      poll();
    }
  });
  if (poller.joinable()) {
  // CHECK-FIXES: {{^}}  if (poller.joinable()) {
    poller.join();
    // CHECK-FIXES: {{^}}    poller.request_stop(); poller.join();
  }
}

void fix_do_while() {
  std::thread pump([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  std::jthread pump([](std::stop_token token) {
    do {
    // CHECK-FIXES: {{^}}    do {
      poll();
    } while (true);
    // CHECK-FIXES: {{^}}    } while (!token.stop_requested());
  });
  pump.join();
  // CHECK-FIXES: {{^}}  pump.request_stop(); pump.join();
}

void fix_empty_parens_while_one() {
  int events = 0;
  std::thread counter([&]() {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  std::jthread counter([&](std::stop_token token) {
    while (1)
    // CHECK-FIXES: {{^}}    while (!token.stop_requested())
      events += next_event();
  });
  counter.join();
  // CHECK-FIXES: {{^}}  counter.request_stop(); counter.join();
}

// Every join() gets its request_stop().
void fix_two_joins(bool early) {
  std::thread ticker([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  std::jthread ticker([](std::stop_token token) {
    while (true) {
    // CHECK-FIXES: {{^}}    while (!token.stop_requested()) {
      poll();
    }
  });
  if (early) {
    ticker.join();
    // CHECK-FIXES: {{^}}    ticker.request_stop(); ticker.join();
    return;
  }
  handle(1);
  ticker.join();
  // CHECK-FIXES: {{^}}  ticker.request_stop(); ticker.join();
}

// The `break` belongs to the switch; only the outer loop header changes.
void fix_loop_with_switch() {
  std::thread dispatcher([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  std::jthread dispatcher([](std::stop_token token) {
    while (true) {
    // CHECK-FIXES: {{^}}    while (!token.stop_requested()) {
      switch (next_event()) {
      // CHECK-FIXES: {{^}}      switch (next_event()) {
      case 0:
        break;
      default:
        poll();
      }
    }
  });
  dispatcher.join();
  // CHECK-FIXES: {{^}}  dispatcher.request_stop(); dispatcher.join();
}

// ===========================================================================
// Diagnosed, but not fixed
// ===========================================================================

// Detached: nobody could request a stop.
void nofix_detached() {
  std::thread detached_worker([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  std::thread detached_worker([] {
    while (true) {
    // CHECK-FIXES: {{^}}    while (true) {
      poll();
    }
  });
  detached_worker.detach();
}

// Moved into another variable.
void nofix_moved() {
  std::thread moved_worker([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  std::thread moved_worker([] {
    for (;;) {
    // CHECK-FIXES: {{^}}    for (;;) {
      poll();
    }
  });
  std::thread owner = std::move(moved_worker);
  owner.join();
  // CHECK-FIXES: {{^}}  owner.join();
}

// Passed on to another function.
void nofix_passed_on() {
  std::thread passed_worker([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  std::thread passed_worker([] {
    while (true) {
    // CHECK-FIXES: {{^}}    while (true) {
      poll();
    }
  });
  adopt(passed_worker);
  passed_worker.join();
  // CHECK-FIXES: {{^}}  passed_worker.join();
}

// Pushed into a vector.
void nofix_pushed(std::vector<std::thread> &pool) {
  std::thread pooled_worker([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  std::thread pooled_worker([] {
    while (true) {
    // CHECK-FIXES: {{^}}    while (true) {
      poll();
    }
  });
  pool.push_back(std::move(pooled_worker));
}

// The lambda returns a value.
void nofix_returns_value() {
  std::thread valued_worker([]() -> int {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  std::thread valued_worker([]() -> int {
    for (;;) {
    // CHECK-FIXES: {{^}}    for (;;) {
      poll();
    }
  });
  valued_worker.join();
  // CHECK-FIXES: {{^}}  valued_worker.join();
}

// The type is spelled `auto`.
void nofix_auto() {
  auto auto_worker = std::thread([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:22: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  auto auto_worker = std::thread([] {
    while (true) {
    // CHECK-FIXES: {{^}}    while (true) {
      poll();
    }
  });
  auto_worker.join();
  // CHECK-FIXES: {{^}}  auto_worker.join();
}

// The endless loop is not directly in the lambda.
void spin() {
  while (true)
    poll();
}

void nofix_loop_in_callee() {
  std::thread helper_worker([] { spin(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  std::thread helper_worker([] { spin(); });
  helper_worker.join();
  // CHECK-FIXES: {{^}}  helper_worker.join();
}

// The loop condition is a named constant, not `true`/`1`.
void nofix_named_constant() {
  std::thread flag_worker([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  std::thread flag_worker([] {
    while (kForever) {
    // CHECK-FIXES: {{^}}    while (kForever) {
      poll();
    }
  });
  flag_worker.join();
  // CHECK-FIXES: {{^}}  flag_worker.join();
}

// The lambda has parameters.
void nofix_lambda_with_parameter() {
  std::thread param_worker(
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  std::thread param_worker(
      [](int id) {
      // CHECK-FIXES: {{^}}      [](int id) {
        while (true)
        // CHECK-FIXES: {{^}}        while (true)
          handle(id);
      },
      1);
  param_worker.join();
  // CHECK-FIXES: {{^}}  param_worker.join();
}

// Used for something other than join()/joinable().
void nofix_other_use() {
  std::thread id_worker([] {
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-MESSAGES-CXX17: :[[@LINE-2]]:15: warning: task spawned by 'std::thread' runs an endless loop and receives no stop token or other cancellation handle [taskleak-spawn-without-stop-token]
  // CHECK-FIXES: {{^}}  std::thread id_worker([] {
    for (;;) {
    // CHECK-FIXES: {{^}}    for (;;) {
      poll();
    }
  });
  std::thread::id id = id_worker.get_id();
  (void)id;
  id_worker.join();
  // CHECK-FIXES: {{^}}  id_worker.join();
}
