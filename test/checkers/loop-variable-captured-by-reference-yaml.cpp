// RUN: %check_taskleak -model=%S/Inputs/golike.taskleak.yaml %s taskleak-loop-variable-captured-by-reference %t

// A spawn function known only from a YAML model (golike::go, callable is
// argument 0) and its wait group (golike::WaitGroup, Wait()).

#include <functional>
#include <golike.h>
#include <string>
#include <vector>

void fetch(const std::string &url);
void handle(int value);
void consume(int &value);

// ===========================================================================
// Positive cases
// ===========================================================================

void go_per_url(const std::vector<std::string> &urls, golike::WaitGroup &wg) {
  for (auto u : urls) {
    wg.Add(1);
    golike::go([&] {
      fetch(u);
      // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: task spawned by 'golike::go' captures loop variable 'u' by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
      // CHECK-MESSAGES: :[[@LINE-3]]:5: note: task spawned here
      wg.Done();
    });
  }
  wg.Wait();
}

void go_with_ref(int n) {
  for (int i = 0; i < n; ++i)
    golike::go(consume, std::ref(i));
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: task spawned by 'golike::go' receives loop variable 'i' by reference through 'std::ref'; the variable is shared by all iterations and changes under the task [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: the iteration waits on a wait group the task counts down.
void go_and_wait(const std::vector<std::string> &urls) {
  for (auto u : urls) {
    golike::WaitGroup wg;
    wg.Add(1);
    golike::go([&] {
      fetch(u);
      wg.Done();
    });
    wg.Wait();
  }
}

// OK: captured by value; go's extra argument is a copy.
void go_by_value(const std::vector<std::string> &urls, int n) {
  for (auto u : urls)
    golike::go([u] { fetch(u); });
  for (int i = 0; i < n; ++i)
    golike::go(handle, i);
}
