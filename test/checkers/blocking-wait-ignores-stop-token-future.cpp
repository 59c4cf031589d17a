// RUN: %check_taskleak %s taskleak-blocking-wait-ignores-stop-token %t

// A future returned by a call (an RPC, a request to another component, a
// pool) is not the task's own even though it is a local: waiting on it
// without a deadline waits on whoever the call handed the work to, and a stop
// request cannot cut that short. A future the task makes itself (std::async,
// its own promise or packaged task) is its own child, like a thread it joins.

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <stop_token>
#include <thread>

using namespace std::chrono_literals;

struct Rpc {
  std::future<int> request(int id);
  std::shared_future<void> ready();
};
struct Pool {
  std::future<void> submit(std::function<void()> job);
};
void handle(int);
int compute();

// --- Positives ------------------------------------------------------------------

void poller(std::stop_token st, Rpc &rpc) {
  while (!st.stop_requested()) {
    std::future<int> reply = rpc.request(1);
    handle(reply.get());
    // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: 'std::future::get' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-5]]:29: note: stop requests reach the task through 'st'
  }
}

void auto_reply(std::stop_token st, Rpc &rpc) {
  while (!st.stop_requested()) {
    auto reply = rpc.request(2);
    reply.wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'std::future::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-5]]:33: note: stop requests reach the task through 'st'
  }
}

void waits_until_ready(std::stop_token st, Rpc &rpc) {
  while (!st.stop_requested()) {
    std::shared_future<void> ready = rpc.ready();
    ready.wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'std::shared_future::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-5]]:40: note: stop requests reach the task through 'st'
  }
}

void through_a_pool(std::stop_token st, Pool &pool) {
  while (!st.stop_requested()) {
    auto done = pool.submit([] { handle(compute()); });
    done.get();
    // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'std::future::get' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-5]]:37: note: stop requests reach the task through 'st'
  }
}

// A task stopped through a flag.
class Client {
  std::atomic<bool> stop_{false};
  Rpc rpc_;
  std::thread t_;
  void run() {
    while (!stop_) {
      std::future<int> reply = rpc_.request(3);
      handle(reply.get());
      // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'std::future::get' blocks and setting 'stop_' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
      // CHECK-MESSAGES: :[[@LINE+7]]:11: note: the stop path sets 'stop_' here but does not wake the wait
    }
  }

public:
  Client() : t_([this] { run(); }) {}
  void stop() {
    stop_ = true;
    t_.join();
  }
};

// --- Negatives ------------------------------------------------------------------

// The task's own child: std::async.
void forks(std::stop_token st) {
  while (!st.stop_requested()) {
    std::future<int> f = std::async(std::launch::async, compute);
    handle(f.get());
  }
}

// Its own promise, fulfilled by a thread it joins.
void own_promise(std::stop_token st) {
  while (!st.stop_requested()) {
    std::promise<int> p;
    std::future<int> f = p.get_future();
    std::thread t([&p] { p.set_value(compute()); });
    handle(f.get());
    t.join();
  }
}

// Its own packaged task, run in place.
void own_packaged_task(std::stop_token st) {
  while (!st.stop_requested()) {
    std::packaged_task<int()> task(compute);
    std::future<int> f = task.get_future();
    task();
    handle(f.get());
  }
}

// A bounded wait: the task checks readiness first.
void bounded(std::stop_token st, Rpc &rpc) {
  while (!st.stop_requested()) {
    std::future<int> reply = rpc.request(4);
    if (reply.wait_for(100ms) == std::future_status::ready)
      handle(reply.get());
  }
}

// No stop handle: nothing a stop request could do.
void no_handle(Rpc &rpc) {
  for (int i = 0; i < 3; ++i) {
    std::future<int> reply = rpc.request(i);
    handle(reply.get());
  }
}

// After the loop that observed the stop: the task winds down.
void drains(std::stop_token st, Rpc &rpc) {
  std::future<int> last = rpc.request(5);
  while (!st.stop_requested())
    handle(compute());
  handle(last.get());
}

// --- Known misses -------------------------------------------------------------

// FIXME: should warn: a future assigned from a call after its declaration is
// still taken for the task's own.
void assigned_later(std::stop_token st, Rpc &rpc) {
  std::future<int> reply;
  while (!st.stop_requested()) {
    reply = rpc.request(6);
    handle(reply.get());
  }
}
