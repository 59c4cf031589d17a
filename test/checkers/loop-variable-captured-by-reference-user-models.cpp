// RUN: %check_taskleak -model=%S/Inputs/user-wrappers.taskleak.yaml %s taskleak-loop-variable-captured-by-reference %t

// A project's own reference wrapper (util::ref) and move function
// (util::move), known only from its .taskleak.yaml: the loop-capture
// analysis, the wait search and the callable resolution all use the
// translation unit's models, not the built-in ones alone.

#include <functional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace util {
template <class T> std::reference_wrapper<T> ref(T &t) { return std::ref(t); }
template <class T> std::remove_reference_t<T> &&move(T &&t) {
  return static_cast<std::remove_reference_t<T> &&>(t);
}
} // namespace util

void consume(int &value);

// ===========================================================================
// Positive cases
// ===========================================================================

void user_ref_per_iteration(int n) {
  std::vector<std::thread> pool;
  for (int i = 0; i < n; ++i)
    pool.emplace_back(consume, util::ref(i));
  // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: task spawned by 'std::thread' receives loop variable 'i' by reference through 'util::ref'; the variable is shared by all iterations and changes under the task [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
  for (auto &t : pool)
    t.join();
}

void user_ref_moved_out(int n, std::vector<std::thread> &out) {
  for (int i = 0; i < n; ++i) {
    std::thread t(consume, util::ref(i));
    // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: task spawned by 'std::thread' receives loop variable 'i' by reference through 'util::ref'; the variable is shared by all iterations and changes under the task [taskleak-loop-variable-captured-by-reference]
    // CHECK-MESSAGES: :[[@LINE-2]]:17: note: task spawned here
    out.push_back(util::move(t));
  }
}

// ===========================================================================
// Negative cases
// ===========================================================================

// The task is joined within the iteration.
void user_ref_joined(int n) {
  for (int i = 0; i < n; ++i) {
    std::thread t(consume, util::ref(i));
    t.join();
  }
}

// Moved (through the project's move) into a thread that is joined within
// the iteration.
void user_move_then_joined(int n) {
  for (int i = 0; i < n; ++i) {
    std::thread t(consume, util::ref(i));
    std::thread u = util::move(t);
    u.join();
  }
}

// A variable declared outside the loop and not written by it.
void user_ref_outside(int n) {
  int shared = 0;
  std::vector<std::thread> pool;
  for (int i = 0; i < n; ++i)
    pool.emplace_back(consume, util::ref(shared));
  for (auto &t : pool)
    t.join();
}
