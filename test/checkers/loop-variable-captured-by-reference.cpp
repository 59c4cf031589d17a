// RUN: %check_taskleak %s taskleak-loop-variable-captured-by-reference %t

// Tasks spawned in a loop that refer by reference to a variable of the
// iteration: the by-value variable of a range-for, the induction variable of
// a `for`, a local of the loop body. Fix-its are tested in
// loop-variable-captured-by-reference-fix.cpp.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <pthread.h>
#include <string>
#include <thread>
#include <vector>
#include <algorithm>

void fetch(const std::string &url);
void store(std::string &out);
void handle(int value);
int compute(int value);
void consume(std::vector<int> &batch);

// ===========================================================================
// Positive cases
// ===========================================================================

// The classic: one thread per URL, joined after the loop.
void range_for_explicit(const std::vector<std::string> &urls) {
  std::vector<std::thread> threads;
  for (auto u : urls)
    threads.emplace_back([&u] { fetch(u); });
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: task spawned by 'std::thread' captures loop variable 'u' by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
  for (auto &t : threads)
    t.join();
}

// Implicit capture: reported at the first use in the body.
void range_for_implicit(const std::vector<std::string> &urls) {
  std::vector<std::thread> threads;
  for (const auto u : urls) {
    threads.emplace_back([&] {
      fetch(u);
      // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: task spawned by 'std::thread' captures loop variable 'u' by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
      // CHECK-MESSAGES: :[[@LINE-3]]:5: note: task spawned here
    });
  }
  for (auto &t : threads)
    t.join();
}

// The induction variable of a for: one object, incremented under the task.
void induction(int n) {
  std::vector<std::thread> workers;
  for (int i = 0; i < n; ++i)
    workers.emplace_back([&] { handle(i); });
  // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: task spawned by 'std::thread' captures loop variable 'i' by reference; the variable is shared by all iterations and changes under the task [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
  for (auto &w : workers)
    w.join();
}

// A local of the loop body, detached.
void body_local_detached(int n) {
  for (int k = 0; k < n; ++k) {
    std::vector<int> batch(16, k);
    std::thread t([&batch] { consume(batch); });
    // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: task spawned by 'std::thread' captures variable 'batch' declared in the loop body by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
    // CHECK-MESSAGES: :[[@LINE-2]]:17: note: task spawned here
    t.detach();
  }
}

// std::async futures kept in a vector declared outside the loop: nothing
// waits before the next iteration.
void async_into_vector(const std::vector<std::string> &urls) {
  std::vector<std::future<void>> pending;
  for (auto u : urls)
    pending.push_back(std::async(std::launch::async, [&] { fetch(u); }));
  // CHECK-MESSAGES: :[[@LINE-1]]:66: warning: task spawned by 'std::async' captures loop variable 'u' by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:23: note: task spawned here
  for (auto &f : pending)
    f.get();
}

// pthread_create with the address of the induction variable.
void *worker_main(void *arg) {
  handle(*static_cast<int *>(arg));
  return nullptr;
}

void pthread_address(void) {
  pthread_t tids[4];
  for (int i = 0; i < 4; ++i)
    pthread_create(&tids[i], nullptr, worker_main, &i);
  // CHECK-MESSAGES: :[[@LINE-1]]:52: warning: task spawned by 'pthread_create' receives the address of loop variable 'i'; the variable is shared by all iterations and changes under the task [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
  for (int i = 0; i < 4; ++i)
    pthread_join(tids[i], nullptr);
}

// The start routine is defined after the spawn.
void *late_worker(void *arg);

void pthread_prototype(void) {
  pthread_t tids[2];
  for (int i = 0; i < 2; ++i)
    pthread_create(&tids[i], nullptr, late_worker, &i);
  // CHECK-MESSAGES: :[[@LINE-1]]:52: warning: task spawned by 'pthread_create' receives the address of loop variable 'i'; the variable is shared by all iterations and changes under the task [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
  for (int i = 0; i < 2; ++i)
    pthread_join(tids[i], nullptr);
}

void *late_worker(void *arg) {
  handle(*static_cast<int *>(arg));
  return nullptr;
}

// std::ref of a body local, bound to a std::thread.
void count_words(const std::string &text, int &out);

void std_ref_body_local(const std::vector<std::string> &docs,
                        std::vector<int> &counts) {
  std::vector<std::thread> threads;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    std::string text = docs[d];
    threads.emplace_back(count_words, std::cref(text), std::ref(counts[d]));
    // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: task spawned by 'std::thread' receives variable 'text' declared in the loop body by reference through 'std::cref'; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
    // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
  }
  for (auto &t : threads)
    t.join();
}

// Assigned to a thread declared outside the loop, joined at the start of
// the next iteration: too late, the variable has changed already.
void joined_next_round(const std::vector<std::string> &urls) {
  std::thread previous;
  for (auto u : urls) {
    if (previous.joinable())
      previous.join();
    previous = std::thread([&] { fetch(u); });
    // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: task spawned by 'std::thread' captures loop variable 'u' by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
    // CHECK-MESSAGES: :[[@LINE-2]]:16: note: task spawned here
  }
  if (previous.joinable())
    previous.join();
}

// A while loop and a local declared in its body; the lambda lives in a
// variable before it is spawned.
bool next_job(int &job);

void while_body_local() {
  std::vector<std::thread> pool;
  int job = 0;
  while (next_job(job)) {
    int copy = job * 2;
    auto task = [&copy] { handle(copy); };
    // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: task spawned by 'std::thread' captures variable 'copy' declared in the loop body by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
    pool.emplace_back(task);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task spawned here
  }
  for (auto &t : pool)
    t.join();
}

// Structured bindings of a by-value range-for (C++20 captures them).
void structured_binding(const std::map<std::string, int> &limits) {
  std::vector<std::thread> threads;
  for (auto [name, limit] : limits)
    threads.emplace_back([&] { handle(limit); });
  // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: task spawned by 'std::thread' captures loop variable 'limit' by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
  for (auto &t : threads)
    t.join();
}

// The loop variable of an outer loop, spawned from an inner loop.
void nested_loops(const std::vector<std::string> &urls) {
  std::vector<std::thread> threads;
  for (auto u : urls)
    for (int attempt = 0; attempt < 3; ++attempt)
      threads.emplace_back([&u, attempt] { fetch(u); handle(attempt); });
  // CHECK-MESSAGES: :[[@LINE-1]]:30: warning: task spawned by 'std::thread' captures loop variable 'u' by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:7: note: task spawned here
  for (auto &t : threads)
    t.join();
}

// The task writes a local of the body: still a dead object after the
// iteration.
void writes_body_local(int n, std::vector<std::string> &results) {
  std::vector<std::thread> threads;
  for (int k = 0; k < n; ++k) {
    std::string result;
    threads.emplace_back([&result] { store(result); });
    // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: task spawned by 'std::thread' captures variable 'result' declared in the loop body by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
    // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
    results.push_back(result);
  }
  for (auto &t : threads)
    t.join();
}

// Iterators are induction variables too.
void iterator_induction(std::vector<int> &values) {
  std::vector<std::thread> threads;
  for (auto it = values.begin(); it != values.end(); ++it)
    threads.emplace_back([&] { handle(*it); });
  // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: task spawned by 'std::thread' captures loop variable 'it' by reference; the variable is shared by all iterations and changes under the task [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
  for (auto &t : threads)
    t.join();
}

// A std::jthread moved into a vector declared outside the loop: its
// destructor joins only when the vector dies, after the loop.
void jthread_moved_out(const std::vector<std::string> &urls) {
  std::vector<std::jthread> running;
  for (auto u : urls) {
    std::jthread t([&u] { fetch(u); });
    // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: task spawned by 'std::jthread' captures loop variable 'u' by reference; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
    // CHECK-MESSAGES: :[[@LINE-2]]:18: note: task spawned here
    running.push_back(std::move(t));
  }
}

// A thread whose callable is a named function getting the address of a
// body local.
void fill(std::vector<int> *out);

void address_of_body_local(int n) {
  std::vector<std::thread> threads;
  for (int k = 0; k < n; ++k) {
    std::vector<int> part;
    threads.emplace_back(fill, &part);
    // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: task spawned by 'std::thread' receives the address of variable 'part' declared in the loop body; the task can outlive the iteration and see a later value or a destroyed object [taskleak-loop-variable-captured-by-reference]
    // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
  }
  for (auto &t : threads)
    t.join();
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: joined within the iteration.
void joined_in_iteration(const std::vector<std::string> &urls) {
  for (auto u : urls) {
    std::thread t([&] { fetch(u); });
    t.join();
  }
}

// OK: std::async as an expression statement: the temporary future's
// destructor waits at the end of the full-expression.
void async_temporary(const std::vector<std::string> &urls) {
  for (auto u : urls)
    (void)std::async(std::launch::async, [&] { fetch(u); });
  for (auto u : urls)
    std::async(std::launch::async, [&u] { fetch(u); });
}

// OK: the future is waited for in the body.
void async_get(int n) {
  for (int i = 0; i < n; ++i) {
    handle(std::async(std::launch::async, [&] { return compute(i); }).get());
    auto f = std::async(std::launch::async, [&i] { return compute(i); });
    f.wait();
  }
}

// OK: a future declared in the body blocks when the iteration ends.
void async_future_in_body(const std::vector<std::string> &urls) {
  for (auto u : urls) {
    auto f = std::async(std::launch::async, [&] { fetch(u); });
    handle(1);
  }
}

// OK: futures collected in a vector declared in the body and drained there.
void async_vector_in_body(const std::vector<std::vector<int>> &batches) {
  for (auto batch : batches) {
    std::vector<std::future<int>> parts;
    for (int k = 0; k < 4; ++k)
      parts.push_back(std::async(std::launch::async, [&, k] { return batch[k]; }));
    for (auto &p : parts)
      handle(p.get());
  }
}

// OK: the range-for variable is a reference: it names the element, which
// outlives the loop.
void reference_loop_variable(const std::vector<std::string> &urls) {
  std::vector<std::thread> threads;
  for (auto &u : urls)
    threads.emplace_back([&u] { fetch(u); });
  for (const auto &u : urls)
    threads.emplace_back([&] { fetch(u); });
  for (auto &&u : urls)
    threads.emplace_back([&] { fetch(u); });
  for (auto &t : threads)
    t.join();
}

// OK: captured by value.
void by_value(const std::vector<std::string> &urls, int n) {
  std::vector<std::thread> threads;
  for (auto u : urls)
    threads.emplace_back([u] { fetch(u); });
  for (auto u : urls)
    threads.emplace_back([=] { fetch(u); });
  for (auto u : urls)
    threads.emplace_back([u = u] { fetch(u); });
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] { handle(i); });
  for (int i = 0; i < n; ++i)
    threads.emplace_back([](int v) { handle(v); }, i);
  for (auto &t : threads)
    t.join();
}

// OK: the captured variables are declared outside the loop.
void declared_outside(int n) {
  std::vector<std::thread> threads;
  std::mutex m;
  int total = 0;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&m, &total, i] {
      std::lock_guard<std::mutex> lock(m);
      total += i;
    });
  for (auto &t : threads)
    t.join();
}

// OK: the variable is only used in an unevaluated operand, or only its
// address is compared.
void unevaluated_and_address(const std::vector<std::string> &urls,
                             const std::string *skip) {
  std::vector<std::thread> threads;
  for (auto u : urls)
    threads.emplace_back([&u] { handle(static_cast<int>(sizeof(u))); });
  for (auto u : urls)
    threads.emplace_back([&u, skip] {
      if (&u == skip)
        handle(0);
    });
  for (auto &t : threads)
    t.join();
}

// OK: a constant trip count of 1.
void runs_once(const std::string &url) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 1; ++i)
    threads.emplace_back([&] { handle(i); });
  for (auto u : {url})
    threads.emplace_back([&] { fetch(u); });
  do {
    std::string copy = url;
    threads.emplace_back([&copy] { fetch(copy); });
    threads.back().detach();
  } while (false);
  for (auto &t : threads)
    if (t.joinable())
      t.join();
}

// OK: the lambdas are not tasks.
void not_tasks(std::vector<int> &values) {
  for (int round = 0; round < 3; ++round) {
    std::for_each(values.begin(), values.end(), [&](int &v) { v += round; });
    std::sort(values.begin(), values.end(),
              [&](int a, int b) { return (a + round) < (b + round); });
    std::function<void()> later = [&round] { handle(round); };
    later();
  }
}

// OK: a for init variable the loop never writes lives until the loop ends.
void unwritten_init_variable(int n) {
  std::vector<std::thread> threads;
  for (int i = 0, limit = n * 2; i < limit; ++i)
    threads.emplace_back([&limit, i] { handle(limit - i); });
  for (auto &t : threads)
    t.join();
}

// OK: a std::jthread declared in the body joins when the iteration ends.
void jthread_in_body(const std::vector<std::string> &urls) {
  for (auto u : urls) {
    std::jthread t([&u] { fetch(u); });
    handle(2);
  }
  for (auto u : urls) {
    std::vector<std::jthread> helpers;
    for (int k = 0; k < 2; ++k)
      helpers.emplace_back([&u] { fetch(u); });
  }
}

// OK: joined through the container within the iteration, in a loop or with
// std::for_each.
void joined_through_container(const std::vector<std::vector<int>> &batches) {
  std::vector<std::thread> threads;
  for (auto batch : batches) {
    for (std::size_t k = 0; k < batch.size(); ++k)
      threads.emplace_back([&batch, k] { handle(batch[k]); });
    for (auto &t : threads)
      t.join();
    threads.clear();
  }
  for (auto batch : batches) {
    std::vector<std::thread> local;
    for (std::size_t k = 0; k < batch.size(); ++k)
      local.emplace_back([&, k] { handle(batch[k]); });
    std::for_each(local.begin(), local.end(), std::mem_fn(&std::thread::join));
  }
  for (int i = 0; i < 3; ++i) {
    pthread_t tid;
    pthread_create(&tid, nullptr, worker_main, &i);
    pthread_join(tid, nullptr);
  }
}

// OK: the iteration waits on something the task signals: a latch, a
// promise's future, a condition variable, an atomic flag.
void handshakes(const std::vector<std::string> &urls) {
  for (auto u : urls) {
    std::latch done(1);
    std::thread([&] {
      fetch(u);
      done.count_down();
    }).detach();
    done.wait();
  }
  for (auto u : urls) {
    std::promise<void> finished;
    std::future<void> f = finished.get_future();
    std::thread([&u, &finished] {
      fetch(u);
      finished.set_value();
    }).detach();
    f.wait();
  }
  for (auto u : urls) {
    std::mutex m;
    std::condition_variable cv;
    bool ready = false;
    std::thread([&] {
      fetch(u);
      std::lock_guard<std::mutex> lock(m);
      ready = true;
      cv.notify_one();
    }).detach();
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return ready; });
  }
  for (auto u : urls) {
    std::atomic<bool> stop_spinning{false};
    std::thread([&] {
      fetch(u);
      stop_spinning = true;
    }).detach();
    while (!stop_spinning.load()) {
    }
  }
}

// OK: the iteration waits on a member the task signals, or on a barrier.
class Crawler {
public:
  void crawl(const std::vector<std::string> &urls) {
    for (auto u : urls) {
      std::thread([&, this] {
        fetch(u);
        std::lock_guard<std::mutex> lock(mutex_);
        done_ = true;
        cv_.notify_one();
      }).detach();
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return done_; });
      done_ = false;
    }
  }

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
};

// OK: the capture is of a reference declared in the body: it names an
// object that outlives the iteration.
void reference_in_body(std::vector<std::string> &urls) {
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < urls.size(); ++k) {
    std::string &slot = urls[k];
    threads.emplace_back([&slot] { store(slot); });
  }
  for (auto &t : threads)
    t.join();
}

// OK: a static local is not per iteration.
void static_local(int n) {
  std::vector<std::thread> threads;
  for (int k = 0; k < n; ++k) {
    static int shared_counter = 0;
    threads.emplace_back([&] { handle(shared_counter); });
  }
  for (auto &t : threads)
    t.join();
}

// OK: the task is spawned inside a lambda in the loop; when it runs is not
// known, and the lambda's own capture is not a spawn.
void spawn_inside_lambda(const std::vector<std::string> &urls,
                         std::vector<std::function<void()>> &jobs) {
  for (auto u : urls)
    jobs.push_back([u] {
      std::thread t([&u] { fetch(u); });
      t.join();
    });
}

// OK: the parameter that would receive the std::ref is never used.
void ignore_argument(const std::string &) {}

void unused_parameter(int n) {
  std::vector<std::thread> threads;
  for (int k = 0; k < n; ++k) {
    std::string name = "w";
    threads.emplace_back([](const std::string &) { handle(0); }, std::cref(name));
  }
  for (auto &t : threads)
    t.join();
}

// OK: the start routine, defined later, never looks at its argument.
void *ignores_argument(void *);

void pthread_unused_argument(void) {
  pthread_t tids[2];
  for (int i = 0; i < 2; ++i)
    pthread_create(&tids[i], nullptr, ignores_argument, &i);
  for (int i = 0; i < 2; ++i)
    pthread_join(tids[i], nullptr);
}

void *ignores_argument(void *) {
  handle(0);
  return nullptr;
}

// OK: a thread constructed and joined on the spot.
void joined_temporary(int n) {
  for (int i = 0; i < n; ++i)
    std::thread([&] { handle(i); }).join();
}

// Issue 9 (lifetime): the C form, a variable declared before the loop and
// written in every iteration (FIXME cases until then; more in
// loop-variable-captured-by-reference-c-form.cpp).
void c_style_index(std::vector<std::thread> &pool) {
  int i;
  for (i = 0; i < 4; ++i)
    pool.emplace_back([&i] { handle(i); });
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: task spawned by 'std::thread' captures loop variable 'i' by reference; the variable is shared by all iterations and changes under the task [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
}

void *c_worker(void *arg);
void c_style_pthread(pthread_t *ids) {
  int i;
  for (i = 0; i < 4; ++i)
    pthread_create(&ids[i], nullptr, c_worker, &i);
  // CHECK-MESSAGES: :[[@LINE-1]]:48: warning: task spawned by 'pthread_create' receives the address of loop variable 'i'; the variable is shared by all iterations and changes under the task [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
}

// Hard negative: the variable is written once, before the loop.
void c_style_written_once(std::vector<std::thread> &pool) {
  int limit = 4;
  for (int i = 0; i < 4; ++i)
    pool.emplace_back([&limit] { handle(limit); });
  for (auto &t : pool)
    t.join();
}
