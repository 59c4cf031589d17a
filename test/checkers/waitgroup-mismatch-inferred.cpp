// RUN: %check_taskleak %s taskleak-waitgroup-mismatch %t

// Wait groups nobody configured: a Go-like WaitGroup (Add/Done and a Wait
// that blocks on a condition variable) or a count-down latch (an integral
// constructor argument, count_down/countDown and a blocking wait) written in
// the project is a wait group without a YAML model (lib/InferredModels.h).

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

bool fetch(const std::string &url);

// Go's sync.WaitGroup, ported.
class WaitGroup {
public:
  void Add(int n) {
    std::lock_guard<std::mutex> lk(m_);
    count_ += n;
  }
  void Done() {
    std::lock_guard<std::mutex> lk(m_);
    if (--count_ == 0)
      cv_.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> lk(m_);
    cv_.wait(lk, [&] { return count_ == 0; });
  }

private:
  std::mutex m_;
  std::condition_variable cv_;
  int count_ = 0;
};

// A Java-style latch.
class CountDownLatch {
public:
  explicit CountDownLatch(int count) : count_(count) {}
  void countDown() {
    std::lock_guard<std::mutex> lk(m_);
    if (--count_ <= 0)
      cv_.notify_all();
  }
  void await() {
    std::unique_lock<std::mutex> lk(m_);
    while (count_ > 0)
      cv_.wait(lk);
  }

private:
  std::mutex m_;
  std::condition_variable cv_;
  int count_;
};

// ===========================================================================
// Positive cases
// ===========================================================================

// The seed's bug: Add inside the task races with Wait.
void collect_all(const std::vector<std::string> &urls) {
  WaitGroup wg;
  std::vector<std::thread> ts;
  for (const auto &u : urls)
    ts.emplace_back([&wg, &u] {
      wg.Add(1);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'Add' on wait group 'wg' is called inside the task it counts, so it races with 'Wait'; call it before starting the task [taskleak-waitgroup-mismatch]
      fetch(u);
      wg.Done();
    });
  wg.Wait();
  for (auto &t : ts)
    t.join();
}

// Done is skipped when the fetch fails.
void done_skipped(const std::vector<std::string> &urls) {
  WaitGroup wg;
  for (const auto &u : urls) {
    wg.Add(1);
    std::thread([&wg, u] {
      if (!fetch(u))
        return;
      wg.Done();
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'Done' on wait group 'wg' is not reached on every path through the task, so 'Wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
      // CHECK-MESSAGES: :[[@LINE-3]]:9: note: this path leaves the task without calling 'Done'
    }).detach();
  }
  wg.Wait();
}

// A latch of three counted down twice.
void latch_mismatch() {
  CountDownLatch done(3);
  // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: wait group 'done' is created with a count of 3 but is counted down 2 times, so 'await' blocks forever [taskleak-waitgroup-mismatch]
  // CHECK-FIXES: {{^}}  CountDownLatch done(2);
  std::thread a([&done] { fetch("a"); done.countDown(); });
  std::thread b([&done] { fetch("b"); done.countDown(); });
  done.await();
  a.join();
  b.join();
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: Add before the spawn, Done on every path.
void collect_correctly(const std::vector<std::string> &urls) {
  WaitGroup wg;
  std::vector<std::thread> ts;
  for (const auto &u : urls) {
    wg.Add(1);
    ts.emplace_back([&wg, &u] {
      fetch(u);
      wg.Done();
    });
  }
  wg.Wait();
  for (auto &t : ts)
    t.join();
}

// OK: the latch's count matches.
void latch_matches() {
  CountDownLatch done(2);
  std::thread a([&done] { done.countDown(); });
  std::thread b([&done] { done.countDown(); });
  done.await();
  a.join();
  b.join();
}

// OK (near miss): a counter whose wait does not block is no wait group.
class Counter {
public:
  void Add(int n) { n_ += n; }
  void Done() { --n_; }
  bool Wait() { return n_ == 0; }

private:
  int n_ = 0;
};

void counter_is_not_a_group() {
  Counter c;
  std::thread([&c] { c.Add(1); c.Done(); }).detach();
  c.Wait();
}

// OK (near miss): a latch-like class without a count: nothing to compare.
class Gate {
public:
  void done() {
    std::lock_guard<std::mutex> lk(m_);
    open_ = true;
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> lk(m_);
    cv_.wait(lk, [&] { return open_; });
  }

private:
  std::mutex m_;
  std::condition_variable cv_;
  bool open_ = false;
};

void gate() {
  Gate g;
  std::thread t([&g] { g.done(); });
  g.wait();
  t.join();
}
