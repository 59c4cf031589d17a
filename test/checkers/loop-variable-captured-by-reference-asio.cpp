// RUN: %check_taskleak %s taskleak-loop-variable-captured-by-reference %t

// Coroutines spawned with co_spawn in a loop: a coroutine lambda that captures
// by reference, a coroutine that takes a loop variable by reference.

#include <boost/asio.hpp>
#include <string>
#include <vector>

namespace asio = boost::asio;

void handle(int value);
asio::awaitable<void> fetch(const std::string &url);
asio::awaitable<void> fetch_copy(std::string url);

// ===========================================================================
// Positive cases
// ===========================================================================

void spawn_sessions(asio::io_context &io, const std::vector<std::string> &urls) {
  for (auto u : urls)
    asio::co_spawn(io, fetch(u), asio::detached);
  // CHECK-MESSAGES: :[[@LINE-1]]:30: warning: task spawned by 'boost::asio::co_spawn' binds loop variable 'u' to reference parameter 'url'; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
}

void spawn_lambdas(asio::io_context &io, int n) {
  for (int i = 0; i < n; ++i)
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          handle(i);
          // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: task spawned by 'boost::asio::co_spawn' captures loop variable 'i' by reference; the variable is shared by all iterations and changes under the task [taskleak-loop-variable-captured-by-reference]
          // CHECK-MESSAGES: :[[@LINE-5]]:5: note: task spawned here
          co_return;
        }(),
        // CHECK-FIXES: {{^}}        [&]() -> asio::awaitable<void> {
        asio::detached);
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: the coroutine takes its argument by value.
void spawn_copies(asio::io_context &io, const std::vector<std::string> &urls) {
  for (auto u : urls)
    asio::co_spawn(io, fetch_copy(u), asio::detached);
}

// OK: the spawner awaits each coroutine before the next iteration.
asio::awaitable<void> fetch_all(asio::io_context &io,
                                const std::vector<std::string> &urls) {
  for (auto u : urls)
    co_await asio::co_spawn(io, fetch(u), asio::use_awaitable);
}
