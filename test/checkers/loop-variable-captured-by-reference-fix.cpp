// RUN: %check_taskleak %s taskleak-loop-variable-captured-by-reference %t

// Fix-its: a by-reference capture becomes a copy (`[&u]` -> `[u]`, `[&]` ->
// `[&, u]`), `std::ref(u)` becomes `u`, only where that provably compiles and
// keeps what the task does: the variable is copyable and the task only reads
// it. check_taskleak.py compiles the fixed file.

#include <memory>
#include <string>
#include <thread>
#include <future>
#include <vector>

void fetch(const std::string &url);
void handle(int value);
void append(std::string &out);
void report(const std::string &name, int value);
void take(std::unique_ptr<int> &p);

// ===========================================================================
// Fixed
// ===========================================================================

void fix_explicit(const std::vector<std::string> &urls) {
  std::vector<std::thread> threads;
  for (auto u : urls)
    threads.emplace_back([&u] { fetch(u); });
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: task spawned by 'std::thread' captures loop variable 'u' by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
  // CHECK-FIXES: {{^}}    threads.emplace_back([u] { fetch(u); });
  for (auto &t : threads)
    t.join();
}

void fix_explicit_among_others(const std::vector<std::string> &urls) {
  std::vector<std::thread> threads;
  int calls = 0;
  for (std::string u : urls)
    threads.emplace_back([&calls, & u, urls] { fetch(u); handle(calls + static_cast<int>(urls.size())); });
  // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: task spawned by 'std::thread' captures loop variable 'u' by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
  // CHECK-FIXES: {{^}}    threads.emplace_back([&calls, u, urls] { fetch(u); handle(calls + static_cast<int>(urls.size())); });
  for (auto &t : threads)
    t.join();
}

void fix_implicit(int n) {
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&] { handle(i); });
  // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: task spawned by 'std::thread' captures loop variable 'i' by reference; the variable is shared by all iterations and changes under the task [taskleak-loop-variable-captured-by-reference]
  // CHECK-FIXES: {{^}}    threads.emplace_back([&, i] { handle(i); });
  for (auto &t : threads)
    t.join();
}

// Two variables of the iteration, one insertion.
void fix_implicit_two(const std::vector<std::string> &names) {
  std::vector<std::future<void>> pending;
  for (auto name : names) {
    int size = static_cast<int>(name.size());
    pending.push_back(std::async(std::launch::async, [&] { report(name, size); }));
    // CHECK-MESSAGES: :[[@LINE-1]]:67: warning: task spawned by 'std::async' captures loop variable 'name' by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
    // CHECK-MESSAGES: :[[@LINE-2]]:73: warning: task spawned by 'std::async' captures variable 'size' declared in the loop body by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
    // CHECK-FIXES: {{^}}    pending.push_back(std::async(std::launch::async, [&, name, size] { report(name, size); }));
  }
  for (auto &f : pending)
    f.get();
}

void greet(const std::string &name);
void fix_std_ref(const std::vector<std::string> &names) {
  std::vector<std::thread> threads;
  for (auto name : names)
    threads.emplace_back(greet, std::cref(name));
  // CHECK-MESSAGES: :[[@LINE-1]]:33: warning: task spawned by 'std::thread' receives loop variable 'name' by reference through 'std::cref'; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
  // CHECK-FIXES: {{^}}    threads.emplace_back(greet, name);
  for (auto &t : threads)
    t.join();
}

void count(int value);
void fix_std_ref_by_value(int n) {
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back(count, std::ref(i));
  // CHECK-MESSAGES: :[[@LINE-1]]:33: warning: task spawned by 'std::thread' receives loop variable 'i' by reference through 'std::ref'; the variable is shared by all iterations and changes under the task [taskleak-loop-variable-captured-by-reference]
  // CHECK-FIXES: {{^}}    threads.emplace_back(count, i);
  for (auto &t : threads)
    t.join();
}

// ===========================================================================
// Diagnosed, but not fixed
// ===========================================================================

// The task writes the variable: a copy would be const (and another object).
void nofix_writes(const std::vector<std::string> &urls) {
  std::vector<std::thread> threads;
  for (auto u : urls)
    threads.emplace_back([&u] { append(u); });
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: task spawned by 'std::thread' captures loop variable 'u' by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
  // CHECK-FIXES: {{^}}    threads.emplace_back([&u] { append(u); });
  for (auto &t : threads)
    t.join();
}

// Not copyable.
void nofix_move_only(int n) {
  std::vector<std::thread> threads;
  for (int k = 0; k < n; ++k) {
    auto owned = std::make_unique<int>(k);
    threads.emplace_back([&] { handle(*owned); });
    // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: task spawned by 'std::thread' captures variable 'owned' declared in the loop body by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
    // CHECK-FIXES: {{^}}    threads.emplace_back([&] { handle(*owned); });
  }
  for (auto &t : threads)
    t.join();
}

// std::ref to a parameter that takes a non-const reference: without it the
// code would not compile.
void bump(int &value);
void nofix_std_ref_non_const(int n) {
  std::vector<std::thread> threads;
  for (int k = 0; k < n; ++k) {
    int local = k;
    threads.emplace_back(bump, std::ref(local));
    // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: task spawned by 'std::thread' receives variable 'local' declared in the loop body by reference through 'std::ref'; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
    // CHECK-FIXES: {{^}}    threads.emplace_back(bump, std::ref(local));
  }
  for (auto &t : threads)
    t.join();
}

// The lambda is written in a macro.
#define SPAWN_FETCH(pool, x) pool.emplace_back([&x] { fetch(x); })
void nofix_macro(const std::vector<std::string> &urls) {
  std::vector<std::thread> threads;
  for (auto u : urls)
    SPAWN_FETCH(threads, u);
  // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: task spawned by 'std::thread' captures loop variable 'u' by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
  // CHECK-FIXES: {{^}}    SPAWN_FETCH(threads, u);
  for (auto &t : threads)
    t.join();
}

// The lambda lives in a variable: the copy would be taken where it is
// written, not where it is spawned.
void nofix_lambda_variable(const std::vector<std::string> &urls) {
  std::vector<std::thread> threads;
  for (auto u : urls) {
    auto job = [&u] { fetch(u); };
    // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: task spawned by 'std::thread' captures loop variable 'u' by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
    // CHECK-FIXES: {{^}}    auto job = [&u] { fetch(u); };
    threads.emplace_back(job);
  }
  for (auto &t : threads)
    t.join();
}

// An init-capture by reference.
void nofix_init_capture(const std::vector<std::string> &urls) {
  std::vector<std::thread> threads;
  for (auto u : urls)
    threads.emplace_back([&url = u] { fetch(url); });
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: task spawned by 'std::thread' captures loop variable 'u' by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
  // CHECK-FIXES: {{^}}    threads.emplace_back([&url = u] { fetch(url); });
  for (auto &t : threads)
    t.join();
}

// A range-for over a container of move-only elements, by value: not
// copyable, and the task hands it on by non-const reference.
void nofix_non_const_use(std::vector<std::unique_ptr<int>> &&items) {
  std::vector<std::thread> threads;
  for (int k = 0; k < 2; ++k) {
    std::unique_ptr<int> item = std::move(items[k]);
    threads.emplace_back([&item] { take(item); });
    // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: task spawned by 'std::thread' captures variable 'item' declared in the loop body by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
    // CHECK-FIXES: {{^}}    threads.emplace_back([&item] { take(item); });
  }
  for (auto &t : threads)
    t.join();
}
