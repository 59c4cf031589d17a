// RUN: %check_taskleak %s taskleak-blocking-wait-ignores-stop-token %t

// Blocking waits in tasks that have a stop token (a std::stop_token
// parameter, a captured stop token or source) that a stop request cannot
// wake. Only the body of the task function is searched; waits without a
// stop token in scope belong to other checks.

#include <barrier>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <stop_token>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

void handle(int value);
void work();

struct Queue {
  std::mutex m;
  std::condition_variable cv;
  std::condition_variable_any cv_any;
  std::deque<int> items;
};

// ===========================================================================
// Positive cases
// ===========================================================================

// The classic: a jthread's destructor requests a stop and joins, but the
// worker sleeps in a plain condition_variable::wait nobody notifies on stop.
void jthread_plain_cv(Queue &q) {
  std::jthread worker([&q](std::stop_token st) {
    while (!st.stop_requested()) {
      std::unique_lock<std::mutex> lock(q.m);
      q.cv.wait(lock, [&] { return !q.items.empty(); });
      // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'std::condition_variable::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
      // CHECK-MESSAGES: :[[@LINE-5]]:44: note: stop requests reach the task through 'st'
      handle(q.items.front());
      q.items.pop_front();
    }
  });
}

// Checking the token in the predicate is not enough: the predicate is only
// evaluated when somebody notifies.
void predicate_checks_token(std::stop_token st, Queue &q) {
  std::unique_lock<std::mutex> lock(q.m);
  q.cv.wait(lock, [&] { return st.stop_requested() || !q.items.empty(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'std::condition_variable::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
  // CHECK-MESSAGES: :[[@LINE-4]]:45: note: stop requests reach the task through 'st'
}

// condition_variable_any without the stop-token overload (no fix: no
// predicate).
void any_without_token(std::stop_token st, Queue &q) {
  std::unique_lock<std::mutex> lock(q.m);
  q.cv_any.wait(lock);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'std::condition_variable_any::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
  // CHECK-MESSAGES: :[[@LINE-4]]:40: note: stop requests reach the task through 'st'
}

// A semaphore shared with the outside.
std::counting_semaphore<16> g_slots(0);
void semaphore_worker(std::stop_token st) {
  while (!st.stop_requested()) {
    g_slots.acquire();
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'std::counting_semaphore::acquire' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-4]]:39: note: stop requests reach the task through 'st'
    work();
  }
}

// binary_semaphore is a counting_semaphore; a member of a class.
class Pump {
public:
  void run(std::stop_token st) {
    while (!st.stop_requested()) {
      ready_.acquire();
      // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'std::counting_semaphore::acquire' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
      // CHECK-MESSAGES: :[[@LINE-4]]:28: note: stop requests reach the task through 'st'
      work();
    }
  }

private:
  std::binary_semaphore ready_{0};
};

// A future given from outside: its producer may never deliver.
void waits_for_reply(std::stop_token st, std::future<int> &reply) {
  handle(reply.get());
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: 'std::future::get' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
  // CHECK-MESSAGES: :[[@LINE-3]]:38: note: stop requests reach the task through 'st'
}

// A captured stop source; the shared future is captured by copy.
void captured_source(std::shared_future<void> ready) {
  std::stop_source source;
  std::thread t([source, ready] {
    ready.wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'std::shared_future::wait' blocks and a stop request on 'source' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-3]]:18: note: stop requests reach the task through the captured 'source'
    while (!source.stop_requested())
      work();
  });
  source.request_stop();
  t.join();
}

// Joining a thread the task did not start: nothing tells it to stop.
void joins_foreign_thread(std::stop_token st, std::thread &other) {
  other.join();
  // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'std::thread::join' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
  // CHECK-MESSAGES: :[[@LINE-3]]:43: note: stop requests reach the task through 'st'
  (void)st;
}

// Latches and barriers shared between tasks.
void latch_and_barrier(std::latch &start, std::barrier<> &round) {
  std::jthread t([&](std::stop_token st) {
    start.wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'std::latch::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-3]]:38: note: stop requests reach the task through 'st'
    while (!st.stop_requested()) {
      work();
      round.arrive_and_wait();
      // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'std::barrier::arrive_and_wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
      // CHECK-MESSAGES: :[[@LINE-8]]:38: note: stop requests reach the task through 'st'
    }
  });
}

// A member jthread: its destructor requests a stop and joins, but nothing
// notifies the condition variable (push() does, but not on stop).
class Worker {
public:
  Worker() : thread_([this](std::stop_token st) { loop(st); }) {}
  void push(int v) {
    {
      std::lock_guard<std::mutex> g(m_);
      items_.push_back(v);
    }
    cv_.notify_one();
  }

private:
  void loop(std::stop_token st) {
    while (!st.stop_requested()) {
      std::unique_lock<std::mutex> lock(m_);
      cv_.wait(lock, [this] { return !items_.empty(); });
      // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'std::condition_variable::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
      // CHECK-MESSAGES: :[[@LINE-5]]:29: note: stop requests reach the task through 'st'
      items_.pop_front();
    }
  }
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<int> items_;
  std::jthread thread_;
};

// Through a shared_ptr held locally: the state is shared, not owned.
struct State {
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
};
void shared_state(std::shared_ptr<State> s) {
  std::jthread t([s](std::stop_token st) {
    std::shared_ptr<State> local = s;
    std::unique_lock<std::mutex> lock(local->m);
    local->cv.wait(lock, [&] { return local->ready; });
    // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: 'std::condition_variable::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-5]]:38: note: stop requests reach the task through 'st'
  });
}

// A jthread task that joins another jthread (a member) without asking it to
// stop first.
class Pipeline {
public:
  void drain(std::stop_token st) {
    (void)st;
    stage_.join();
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'std::jthread::join' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-4]]:30: note: stop requests reach the task through 'st'
  }

private:
  std::jthread stage_;
};

// In a template: reported once, at the template's code.
template <typename T> struct Mailbox {
  std::mutex m;
  std::condition_variable cv;
  std::optional<T> slot;
  T take(std::stop_token st) {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return slot.has_value(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'std::condition_variable::wait' blocks and a stop request on 'st' cannot wake it, so the task may never end [taskleak-blocking-wait-ignores-stop-token]
    // CHECK-MESSAGES: :[[@LINE-4]]:26: note: stop requests reach the task through 'st'
    (void)st;
    return *slot;
  }
};
int use_mailboxes(std::stop_token st, Mailbox<int> &a, Mailbox<long> &b) {
  return a.take(st) + static_cast<int>(b.take(st));
}

// ===========================================================================
// Negative cases
// ===========================================================================

// The stop-token overload is woken by a stop request.
void any_with_token(std::stop_token st, Queue &q) {
  std::unique_lock<std::mutex> lock(q.m);
  if (!q.cv_any.wait(lock, st, [&] { return !q.items.empty(); }))
    return;
  q.items.pop_front();
}

// Timed waits end by themselves: a polling loop that checks the token.
void polling(std::stop_token st, Queue &q) {
  std::unique_lock<std::mutex> lock(q.m);
  while (!st.stop_requested()) {
    if (q.cv.wait_for(lock, 100ms, [&] { return !q.items.empty(); }))
      q.items.pop_front();
  }
  q.cv_any.wait_until(lock, std::chrono::steady_clock::now() + 1s);
  (void)g_slots.try_acquire_for(10ms);
}

// Objects woken on stop are recognised by variable or member: these
// negatives use their own type, so that they do not silence the positives
// above.
struct Inbox {
  std::mutex m;
  std::condition_variable cv;
  std::deque<int> items;
};

// A stop_callback that notifies the waited condition variable wakes it.
void stop_callback_notifies(std::stop_token st, Inbox &q) {
  std::stop_callback wake(st, [&] { q.cv.notify_all(); });
  std::unique_lock<std::mutex> lock(q.m);
  q.cv.wait(lock, [&] { return st.stop_requested() || !q.items.empty(); });
}

// ... also through a helper the callback calls, and for a member.
class Server {
public:
  void serve(std::stop_token st) {
    std::stop_callback cb(st, [this] { wake_all(); });
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [&] { return st.stop_requested() || pending_ > 0; });
  }

private:
  void wake_all() { cv_.notify_all(); }
  std::mutex m_;
  std::condition_variable cv_;
  int pending_ = 0;
};

// A stop_callback that releases the semaphore.
std::counting_semaphore<4> g_work(0);
void semaphore_with_callback(std::stop_token st) {
  std::stop_callback cb(st, [] { g_work.release(); });
  while (!st.stop_requested()) {
    g_work.acquire();
    work();
  }
}

// The owner requests the stop and notifies in the same function.
class Consumer {
public:
  void start() {
    thread_ = std::jthread([this](std::stop_token st) {
      std::unique_lock<std::mutex> lock(m_);
      while (!st.stop_requested()) {
        cv_.wait(lock, [&] { return st.stop_requested() || !items_.empty(); });
        if (!items_.empty())
          items_.pop_front();
      }
    });
  }
  void stop() {
    thread_.request_stop();
    cv_.notify_all();
  }

private:
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<int> items_;
  std::jthread thread_;
};

// A local stop_source whose owner stops and notifies.
void owner_stops_and_notifies(Inbox &shared) {
  std::stop_source source;
  std::thread t([&shared, token = source.get_token()] {
    std::unique_lock<std::mutex> lock(shared.m);
    shared.cv.wait(lock, [&] { return token.stop_requested(); });
  });
  source.request_stop();
  shared.cv.notify_all();
  t.join();
}

// No stop token in scope: another check's business.
void no_token(Queue &q) {
  std::unique_lock<std::mutex> lock(q.m);
  q.cv.wait(lock, [&] { return !q.items.empty(); });
}
void plain_thread(Queue &q) {
  std::thread t([&q] {
    std::unique_lock<std::mutex> lock(q.m);
    q.cv.wait(lock);
  });
  t.join();
}

// Waits on objects the task owns: its own children.
void forks_and_joins(std::stop_token st) {
  while (!st.stop_requested()) {
    std::thread a(work);
    std::thread b(work);
    a.join();
    b.join();
    std::future<int> f = std::async(std::launch::async, [] { return 1; });
    handle(f.get());
    std::vector<std::thread> pool;
    for (int i = 0; i < 4; ++i)
      pool.emplace_back(work);
    for (auto &t : pool)
      t.join();
    std::latch done(2);
    std::jthread c([&] { done.count_down(); });
    std::jthread d([&] { done.count_down(); });
    done.wait();
  }
}

// After the loop that observed the stop, the task winds down: joining
// workers there is the shutdown.
class Supervisor {
public:
  void run(std::stop_token st) {
    while (!st.stop_requested())
      work();
    for (auto &w : workers_)
      w.join();
  }
  void run2(std::stop_token st) {
    for (;;) {
      if (st.stop_requested()) {
        helper_.join();
        return;
      }
      work();
    }
  }

private:
  std::vector<std::thread> workers_;
  std::thread helper_;
};

// A future already known to be ready.
void ready_future(std::stop_token st, std::future<int> &f) {
  while (!st.stop_requested()) {
    if (f.wait_for(0s) == std::future_status::ready) {
      handle(f.get());
      return;
    }
    work();
  }
}

// join() of a jthread after request_stop() on it.
class Owner {
public:
  void shutdown(std::stop_token st) {
    (void)st;
    child_.request_stop();
    child_.join();
  }

private:
  std::jthread child_;
};

// A wait in a nested lambda that has no stop token is not this task's wait
// (and that lambda is not a task with a stop token).
void nested_lambda(std::stop_token st, Queue &q) {
  auto later = [&q] {
    std::unique_lock<std::mutex> lock(q.m);
    q.cv.wait(lock);
  };
  if (!st.stop_requested())
    std::thread(later).detach();
}

// sleep_for always ends, but a long one delays the stop by its duration
// (issue 9's long sleeps: blocking-wait-ignores-stop-token-sleep.cpp).
void sleeps(std::stop_token st) {
  while (!st.stop_requested())
    std::this_thread::sleep_for(24h);
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 'std::this_thread::sleep_for' sleeps for 24 h and a stop request on 'st' cannot wake it, so stopping the task waits for the sleep to end [taskleak-blocking-wait-ignores-stop-token]
  // CHECK-MESSAGES: :[[@LINE-4]]:29: note: stop requests reach the task through 'st'
}

// Waits in a function the task calls are not followed.
void wait_helper(Queue &q) {
  std::unique_lock<std::mutex> lock(q.m);
  q.cv.wait(lock);
}
void calls_helper(std::stop_token st, Queue &q) {
  if (!st.stop_requested())
    wait_helper(q);
}

// A stop_callback parameter is not a stop token.
void with_callback(std::stop_callback<void (*)()> &cb, Queue &q) {
  std::unique_lock<std::mutex> lock(q.m);
  q.cv.wait(lock);
  (void)cb;
}
