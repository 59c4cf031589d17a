// RUN: %check_taskleak %s taskleak-lost-wakeup %t

// Lost wake-ups on std::condition_variable: a wait condition written without
// the waiter's mutex and then notified (1), a notification before the write
// (2), a notify_one on close when several threads wait (4).

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <latch>
#include <mutex>
#include <semaphore>
#include <stop_token>
#include <thread>
#include <vector>

void handle(int);

// --- Positives: 1. written without the mutex, then notified ------------------

// The classic: an atomic flag set without the mutex. The worker can check
// stop_ (false), then stop() sets it and notifies, then the worker blocks.
class Worker1 {
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<int> q_;
  std::thread t_;
  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      cv_.wait(lock, [this] { return stop_ || !q_.empty(); });
      if (stop_)
        return;
      q_.pop_front();
    }
  }
public:
  Worker1() : t_([this] { run(); }) {}
  void stop() {
    stop_ = true;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'stop_' is written without holding 'mutex_', so a notification on 'cv_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-11]]:11: note: the waiter checks 'stop_' under 'mutex_' here
    cv_.notify_all();
    t_.join();
  }
};

// store() on the flag, in a destructor.
class Worker2 {
  std::atomic<bool> running_{true};
  std::mutex m_;
  std::condition_variable cv_;
  std::thread t_;
  void loop() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [&] { return !running_.load(); });
  }
public:
  Worker2() : t_(&Worker2::loop, this) {}
  ~Worker2() {
    running_.store(false);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'running_' is written without holding 'm_', so a notification on 'cv_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-7]]:9: note: the waiter checks 'running_' under 'm_' here
    cv_.notify_one();
    t_.join();
  }
};

// The condition of a `while (!cond) cv.wait(lock);` loop.
class Worker3 {
  bool ready_ = false;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void waitReady() {
    std::unique_lock<std::mutex> l(m_);
    while (!ready_)
      cv_.wait(l);
  }
  void setReady() {
    ready_ = true;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'ready_' is written without holding 'm_', so a notification on 'cv_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-5]]:11: note: the waiter checks 'ready_' under 'm_' here
    cv_.notify_all();
  }
};

// A counter decremented without the mutex (a wait group made by hand).
class Pending {
  std::atomic<int> pending_{0};
  std::mutex m_;
  std::condition_variable done_;
public:
  void add() { ++pending_; }
  void finish() {
    if (pending_.fetch_sub(1) == 1)
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'pending_' is written without holding 'm_', so a notification on 'done_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE+5]]:11: note: the waiter checks 'pending_' under 'm_' here
      done_.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> l(m_);
    done_.wait(l, [this] { return pending_ == 0; });
  }
};

// The predicate calls a member function that reads the flag.
class Worker4 {
  std::atomic<bool> quit_{false};
  std::mutex m_;
  std::condition_variable cv_;
  bool shouldWake() const { return quit_.load(); }
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return shouldWake(); });
  }
  void quit() {
    quit_ = true;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'quit_' is written without holding 'm_', so a notification on 'cv_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-5]]:9: note: the waiter checks 'quit_' under 'm_' here
    cv_.notify_all();
  }
};

// The lock is released before the write (unique_lock::unlock).
class Worker5 {
  bool done_ = false;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void waitDone() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return done_; });
  }
  void finish() {
    std::unique_lock<std::mutex> l(m_);
    handle(1);
    l.unlock();
    done_ = true;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'done_' is written without holding 'm_', so a notification on 'cv_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-8]]:9: note: the waiter checks 'done_' under 'm_' here
    cv_.notify_one();
  }
};

// A local captured by the waiting task; the spawner writes it after the
// spawn, without the mutex.
void capturedLocal() {
  bool done = false;
  std::mutex m;
  std::condition_variable cv;
  std::thread t([&] {
    std::unique_lock<std::mutex> l(m);
    cv.wait(l, [&] { return done; });
  });
  done = true;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'done' is written without holding 'm', so a notification on 'cv' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
  // CHECK-MESSAGES: :[[@LINE-4]]:8: note: the waiter checks 'done' under 'm' here
  cv.notify_one();
  t.join();
}

// Globals; the notify is in a helper the writer calls.
std::mutex gMutex;
std::condition_variable gCv;
bool gShutdown = false;
void gWaiter() {
  std::unique_lock<std::mutex> l(gMutex);
  gCv.wait(l, [] { return gShutdown; });
}
void wakeAll() { gCv.notify_all(); }
void gShutdownNow() {
  gShutdown = true;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'gShutdown' is written without holding 'gMutex', so a notification on 'gCv' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
  // CHECK-MESSAGES: :[[@LINE-6]]:7: note: the waiter checks 'gShutdown' under 'gMutex' here
  wakeAll();
}

// A class template (analysed in its definition): a pool's wait() for idle,
// with stop() setting the state without the mutex and then joining (the
// shape of a thread pool found in the corpus survey).
template <typename Task> class TemplatePool {
  enum State { Running, Stopped };
  std::atomic<State> state_{Running};
  std::atomic<int> active_{0};
  std::mutex m_;
  std::condition_variable idle_;
  std::deque<Task> tasks_;
  std::vector<std::thread> threads_;
public:
  void waitIdle() {
    std::unique_lock<std::mutex> l(m_);
    idle_.wait(l, [this] { return state_ == Stopped || active_ == 0; });
  }
  void stop() {
    state_ = Stopped;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'state_' is written without holding 'm_', so a notification on 'idle_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-5]]:11: note: the waiter checks 'state_' under 'm_' here
    idle_.notify_all();
    for (std::thread &t : threads_)
      t.join();
    active_ = 0;
  }
};

// The write is in a helper that does not notify; its caller notifies
// after the call (found through the callers; no fix-it, as another caller
// could hold the mutex).
class HelperWrites {
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable cv_;
  void setStop() { stop_ = true; }
  // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'stop_' is written without holding 'm_', so a notification on 'cv_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
  // CHECK-MESSAGES: :[[@LINE+5]]:9: note: the waiter checks 'stop_' under 'm_' here
  // CHECK-MESSAGES: :[[@LINE+8]]:9: note: 'cv_' is notified here, after the call, without 'm_'
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_.load(); });
  }
  void stop() {
    setStop();
    cv_.notify_all();
  }
};

// Workers that hold references to their executor's mutex and condition
// variable; the executor's destructor asks each to stop, then notifies its
// own condition variable (the shape of a parallel executor in the survey).
struct RefWorker {
  std::condition_variable &cv;
  std::mutex &m;
  std::atomic<bool> stopRequest{false};
  bool busy = false;
  void wait() {
    std::unique_lock<std::mutex> l(m);
    cv.wait(l, [this] { return stopRequest.load() || busy; });
  }
  void stop() { stopRequest.store(true); }
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: 'stopRequest' is written without holding 'm', so a notification on 'cv' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
  // CHECK-MESSAGES: :[[@LINE-4]]:8: note: the waiter checks 'stopRequest' under 'm' here
  // CHECK-MESSAGES: :[[@LINE+9]]:8: note: 'cv' is notified here, after the call, without 'm'
};
struct Executor {
  std::condition_variable cv;
  std::mutex m;
  RefWorker workers[2] = {{cv, m}, {cv, m}};
  ~Executor() {
    for (RefWorker &w : workers)
      w.stop();
    cv.notify_all();
  }
};

// `if (!ready_) cv_.wait(l);`: the condition of the `if` around the wait is
// its wait condition (checked under the lock, taken before the `if`).
class IfWait {
  std::atomic<bool> ready_{false};
  std::mutex m_;
  std::condition_variable cv_;
public:
  void waitReady() {
    std::unique_lock<std::mutex> l(m_);
    if (!ready_)
      cv_.wait(l);
  }
  void setReady() {
    ready_ = true;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'ready_' is written without holding 'm_', so a notification on 'cv_' can fall between the waiter's check and its wait and be lost [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-5]]:11: note: the waiter checks 'ready_' under 'm_' here
    cv_.notify_all();
  }
};

// --- Positives: 2. notified before the write ---------------------------------

class Early {
  bool ready_ = false;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void waitReady() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return ready_; });
  }
  void publish() {
    cv_.notify_all();
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'cv_' is notified before 'ready_' is written, so a waiter that checks 'ready_' in between sleeps through the notification [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE+3]]:5: note: 'ready_' is written here, after the notification
    // CHECK-MESSAGES: :[[@LINE-6]]:9: note: the waiter checks 'ready_' under 'm_' here
    std::lock_guard<std::mutex> g(m_);
    ready_ = true;
  }
};

// Notified in one critical section, written in another.
class Early2 {
  int generation_ = 0;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void waitNext(int seen) {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [&] { return generation_ != seen; });
  }
  void advance() {
    {
      std::lock_guard<std::mutex> g(m_);
      cv_.notify_all();
      // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'cv_' is notified before 'generation_' is written, so a waiter that checks 'generation_' in between sleeps through the notification [taskleak-lost-wakeup]
      // CHECK-MESSAGES: :[[@LINE+5]]:7: note: 'generation_' is written here, after the notification
      // CHECK-MESSAGES: :[[@LINE-8]]:9: note: the waiter checks 'generation_' under 'm_' here
    }
    {
      std::lock_guard<std::mutex> g(m_);
      ++generation_;
    }
  }
};

// --- Positives: 3. a close nothing notifies ----------------------------------

// The stop path writes the flag under the mutex but never notifies: a
// waiter already asleep never re-checks it.
class NeverNotified {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_; });
  }
  void stop() {
    std::lock_guard<std::mutex> g(m_);
    stop_ = true;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'stop_' is set but nothing notifies 'cv_' afterwards, so a thread waiting on 'cv_' for it is never woken [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-6]]:9: note: the waiter checks 'stop_' under 'm_' here
  }
};

// The destructor clears running_ (the value the predicate waits for) and
// joins, without a notify.
class ClearedNotNotified {
  std::atomic<bool> running_{true};
  std::deque<int> q_;
  std::mutex m_;
  std::condition_variable cv_;
  std::thread t_;
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return !running_ || !q_.empty(); });
  }
public:
  ClearedNotNotified() : t_([this] { run(); }) {}
  ~ClearedNotNotified() {
    running_ = false;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'running_' is set but nothing notifies 'cv_' afterwards, so a thread waiting on 'cv_' for it is never woken [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-7]]:9: note: the waiter checks 'running_' under 'm_' here
    t_.join();
  }
};

// --- Positives: 4. notify_one on close, several waiters ---------------------

// A pool: workers started in a loop; stop() wakes one of them.
class Pool {
  bool stop_ = false;
  std::deque<std::function<void()>> tasks_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::thread> workers_;
  void work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> l(m_);
        cv_.wait(l, [this] { return stop_ || !tasks_.empty(); });
        if (stop_ && tasks_.empty())
          return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }
public:
  explicit Pool(int n) {
    for (int i = 0; i < n; ++i)
      workers_.emplace_back([this] { work(); });
  }
  void post(std::function<void()> f) {
    {
      std::lock_guard<std::mutex> g(m_);
      tasks_.push_back(std::move(f));
    }
    cv_.notify_one(); // one task, one worker: right
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> g(m_);
      stop_ = true;
    }
    cv_.notify_one();
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: setting 'stop_' wakes only one of the threads waiting on 'cv_'; the others sleep through it [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-16]]:7: note: several threads that wait on 'cv_' are started here, in a loop
    for (std::thread &w : workers_)
      w.join();
  }
};

// A channel: senders and receivers wait on one condition variable.
class Channel {
  bool closed_ = false;
  std::deque<int> items_;
  std::mutex m_;
  std::condition_variable changed_;
public:
  void send(int v) {
    std::unique_lock<std::mutex> l(m_);
    changed_.wait(l, [&] { return closed_ || items_.size() < 4; });
    items_.push_back(v);
  }
  int recv() {
    std::unique_lock<std::mutex> l(m_);
    changed_.wait(l, [&] { return closed_ || !items_.empty(); });
    int v = items_.front();
    items_.pop_front();
    return v;
  }
  void close() {
    std::unique_lock<std::mutex> l(m_);
    closed_ = true;
    changed_.notify_one();
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: setting 'closed_' wakes only one of the threads waiting on 'changed_'; the others sleep through it [taskleak-lost-wakeup]
    // CHECK-MESSAGES: :[[@LINE-10]]:14: note: 'changed_' is also waited on here, by another thread
  }
};

// --- Negatives ---------------------------------------------------------------

// The write under a lock_guard; the notify after the scope ends.
class UnderGuard {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
  std::thread t_;
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_; });
  }
public:
  UnderGuard() : t_([this] { run(); }) {}
  void stop() {
    {
      std::lock_guard<std::mutex> g(m_);
      stop_ = true;
    }
    cv_.notify_all();
    t_.join();
  }
};

// The write between lock() and unlock() of the mutex.
class UnderLockCalls {
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_.load(); });
  }
  void stop() {
    m_.lock();
    stop_ = true;
    m_.unlock();
    cv_.notify_all();
  }
};

// The write outside the mutex, then an empty critical section before the
// notify: the waiter is either before its check or already blocked.
class EmptyCriticalSection {
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_.load(); });
  }
  void stop() {
    stop_ = true;
    { std::lock_guard<std::mutex> l(m_); }
    cv_.notify_all();
  }
};

// A helper that is only called with the mutex held.
class HelperUnderLock {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
  void markStopped() {
    stop_ = true;
    cv_.notify_all();
  }
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_; });
  }
  void stop() {
    std::lock_guard<std::mutex> g(m_);
    markStopped();
  }
  void abort() {
    std::unique_lock<std::mutex> g(m_);
    markStopped();
  }
};

// Writes in the constructor and before the thread starts.
class BeforeStart {
  bool stop_;
  std::mutex m_;
  std::condition_variable cv_;
  std::thread t_;
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_; });
  }
public:
  BeforeStart() {
    stop_ = false;
    cv_.notify_all();
  }
  void start() {
    stop_ = false;
    cv_.notify_all();
    t_ = std::thread([this] { run(); });
  }
  void stop() {
    {
      std::lock_guard<std::mutex> g(m_);
      stop_ = true;
    }
    cv_.notify_all();
    t_.join();
  }
};

// A timed wait in a loop that re-checks: a bounded delay (TimedWaits is off).
class TimedWait {
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    while (!stop_)
      cv_.wait_for(l, std::chrono::milliseconds(100));
  }
  void stop() {
    stop_ = true;
    cv_.notify_all();
  }
};

// condition_variable_any with a stop token: the stop request wakes it.
class AnyWithToken {
  std::atomic<bool> more_{false};
  std::mutex m_;
  std::condition_variable_any cv_;
public:
  void run(std::stop_token st) {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, st, [this] { return more_.load(); });
  }
  void poke() {
    more_ = true;
    cv_.notify_all();
  }
};

// Semaphores, latches and atomic waits have no mutex to miss.
class OtherWaits {
  std::atomic<bool> flag_{false};
  std::counting_semaphore<4> sem_{0};
  std::latch done_{1};
public:
  void run() {
    sem_.acquire();
    done_.wait();
    flag_.wait(false);
  }
  void stop() {
    flag_ = true;
    flag_.notify_all();
    sem_.release();
    done_.count_down();
  }
};

// Notify and write in one critical section, in either order.
class OneCriticalSection {
  bool ready_ = false;
  int count_ = 0;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void waitReady() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return ready_ || count_ > 3; });
  }
  void publish() {
    std::lock_guard<std::mutex> g(m_);
    cv_.notify_all();
    ready_ = true;
  }
  void bump() {
    std::lock_guard<std::mutex> g(m_);
    ++count_;
    cv_.notify_one();
  }
};

// notify_one where only one thread can wait.
class SingleWorker {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
  std::thread t_;
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_; });
  }
public:
  SingleWorker() : t_([this] { run(); }) {}
  void stop() {
    {
      std::lock_guard<std::mutex> g(m_);
      stop_ = true;
    }
    cv_.notify_one();
    t_.join();
  }
};

// notify_all on close wakes every worker of the pool.
class GoodPool {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::thread> workers_;
  void work() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_; });
  }
public:
  GoodPool() {
    for (int i = 0; i < 4; ++i)
      workers_.emplace_back([this] { work(); });
  }
  ~GoodPool() {
    {
      std::lock_guard<std::mutex> g(m_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread &w : workers_)
      w.join();
  }
};

// notify_one once per worker, in a loop.
class PoolOnePerWorker {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::thread> workers_;
  void work() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_; });
  }
public:
  PoolOnePerWorker() {
    for (int i = 0; i < 4; ++i)
      workers_.emplace_back([this] { work(); });
  }
  ~PoolOnePerWorker() {
    {
      std::lock_guard<std::mutex> g(m_);
      stop_ = true;
    }
    for (size_t i = 0; i < workers_.size(); ++i)
      cv_.notify_one();
    for (std::thread &w : workers_)
      w.join();
  }
};

// Writes after the waiters are joined.
class AfterJoin {
  bool stop_ = false;
  std::deque<int> q_;
  std::mutex m_;
  std::condition_variable cv_;
  std::thread t_;
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_ || !q_.empty(); });
  }
public:
  AfterJoin() : t_([this] { run(); }) {}
  ~AfterJoin() {
    {
      std::lock_guard<std::mutex> g(m_);
      stop_ = true;
    }
    cv_.notify_all();
    t_.join();
    q_.clear();
    cv_.notify_all();
  }
};

// The waiter's loop checks the flag without the mutex (the lock is taken
// inside the loop): that waiter is racy whoever writes the flag, and a
// locked write would not fix it; not this rule's finding.
class CheckOutsideLock {
  std::atomic<bool> running_{true};
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    while (running_) {
      std::unique_lock<std::mutex> l(m_);
      cv_.wait(l);
    }
  }
  void stop() {
    running_ = false;
    cv_.notify_all();
  }
};

// A push under the lock, notified after the scope: the producer side of a
// queue, done right.
class Queue {
  std::deque<int> q_;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void push(int v) {
    {
      std::lock_guard<std::mutex> g(m_);
      q_.push_back(v);
    }
    cv_.notify_one();
  }
  int pop() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return !q_.empty(); });
    int v = q_.front();
    q_.pop_front();
    return v;
  }
};

// A guard class of the project's own, not in the models: given the mutex,
// it is assumed to hold it.
class ProjectLock {
public:
  explicit ProjectLock(std::mutex &m) : m_(m) { m_.lock(); }
  ~ProjectLock() { m_.unlock(); }
private:
  std::mutex &m_;
};
class OwnGuard {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_; });
  }
  void stop() {
    {
      ProjectLock g(m_);
      stop_ = true;
    }
    cv_.notify_all();
  }
};

// A class template whose write is under the lock.
template <typename T> class TemplateGood {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<T> q_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_ || !q_.empty(); });
  }
  void stop() {
    {
      std::lock_guard<std::mutex> g(m_);
      stop_ = true;
    }
    cv_.notify_all();
  }
};
TemplateGood<int> instantiated;

// A worker that tells waitAll() about a finished task, then waits for the
// next one and takes it: the pop after the notify answers another
// notification (the shape of a thread pool's worker in the corpus survey).
class NotifyThenNextRound {
  int running_ = 0;
  std::deque<int> tasks_;
  std::mutex m_;
  std::condition_variable available_, done_;
public:
  void waitAll() {
    std::unique_lock<std::mutex> l(m_);
    done_.wait(l, [this] { return running_ == 0 && tasks_.empty(); });
  }
  void worker() {
    std::unique_lock<std::mutex> l(m_);
    while (true) {
      --running_;
      l.unlock();
      done_.notify_all();
      l.lock();
      available_.wait(l, [this] { return !tasks_.empty(); });
      tasks_.pop_front();
      ++running_;
    }
  }
};

// A helper whose name says it runs with the lock held.
class LockedSuffix {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_; });
  }
  void stopLocked() {
    stop_ = true;
    cv_.notify_all();
  }
};

// A lambda given to a call together with the mutex (run under it).
template <typename F> void withLock(std::mutex &m, F f) {
  std::lock_guard<std::mutex> g(m);
  f();
}
class LambdaUnderLock {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_; });
  }
  void stop() {
    withLock(m_, [this] {
      stop_ = true;
      cv_.notify_all();
    });
  }
};

// The guard locks a mutex passed by reference: it may be the waiter's.
struct Shared {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
};
void signalDone(std::mutex &m, Shared &s) {
  std::lock_guard<std::mutex> g(m);
  s.done = true;
  s.cv.notify_all();
}
void waitShared(Shared &s) {
  std::unique_lock<std::mutex> l(s.m);
  s.cv.wait(l, [&] { return s.done; });
}

// A reset called only from the constructor: no waiter exists yet.
class InitFromCtor {
  bool stop_ = true;
  std::mutex m_;
  std::condition_variable cv_;
  void reset() {
    stop_ = false;
    cv_.notify_all();
  }
public:
  InitFromCtor() { reset(); }
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_; });
  }
};

// A hand-off: the waiter that wakes takes the token back, so one wake-up
// per release is right even with a pool of waiters.
class HandOff {
  bool available_ = false;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::thread> users_;
  void use() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return available_; });
    available_ = false;
  }
public:
  HandOff() {
    for (int i = 0; i < 4; ++i)
      users_.emplace_back([this] { use(); });
  }
  void release() {
    {
      std::lock_guard<std::mutex> g(m_);
      available_ = true;
    }
    cv_.notify_one();
  }
};

// Two waits, one thread: both helpers are only called by run().
class OneThreadTwoWaits {
  bool stop_ = false;
  bool ready_ = false;
  std::mutex m_;
  std::condition_variable cv_;
  void waitReady() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return ready_ || stop_; });
  }
  void waitDrained() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return !ready_ || stop_; });
  }
public:
  void run() {
    waitReady();
    waitDrained();
  }
  void stop() {
    {
      std::lock_guard<std::mutex> g(m_);
      stop_ = true;
    }
    cv_.notify_one();
  }
};

// A helper that writes, called with the lock held by the caller, which
// notifies after its critical section.
class HelperWritesCallerLocks {
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable cv_;
  void setStop() { stop_ = true; }
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_.load(); });
  }
  void stop() {
    {
      std::lock_guard<std::mutex> g(m_);
      setStop();
    }
    cv_.notify_all();
  }
};

// Rule 3 near-misses: a reset to the value that does not wake; a helper whose
// callers decide; the waiter's own thread closing its loop; a timed wait;
// a wait whose loop tests the flag (blocking-wait-ignores-stop-token's).
class ResetNotWaking {
  bool ready_ = false;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void waitReady() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return ready_; });
  }
  void reset() {
    std::lock_guard<std::mutex> g(m_);
    ready_ = false;
  }
};
class HelperCloses {
  bool closed_ = false;
  std::mutex m_;
  std::condition_variable cv_;
  void markClosed() {
    std::lock_guard<std::mutex> g(m_);
    closed_ = true;
  }
public:
  void waitClosed() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return closed_; });
  }
  void close() {
    markClosed();
    cv_.notify_all();
  }
};
class SelfClosing {
  bool done_ = false;
  std::mutex m_;
  std::condition_variable cv_;
  std::thread t_;
  void run() {
    while (true) {
      std::unique_lock<std::mutex> l(m_);
      cv_.wait(l, [this] { return done_; });
      return;
    }
  }
  void fail() {
    std::lock_guard<std::mutex> g(m_);
    done_ = true;
  }
  void work() {
    fail();
    run();
  }
public:
  SelfClosing() : t_([this] { work(); }) {}
};
class TimedClose {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait_for(l, std::chrono::seconds(1), [this] { return stop_; });
  }
  void stop() {
    std::lock_guard<std::mutex> g(m_);
    stop_ = true;
  }
};
class LoopTestsFlag {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    while (!stop_)
      cv_.wait(l);
  }
  void stop() {
    std::lock_guard<std::mutex> g(m_);
    stop_ = true;
  }
};

// A helper called from a template that is not instantiated here: its
// caller is hidden, and may hold the mutex and notify.
class HiddenCaller {
  bool stop_ = false;
  std::mutex m_;
  std::condition_variable cv_;
public:
  void run() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return stop_; });
  }
  void requestStop() {
    stop_ = true;
    cv_.notify_all();
  }
};
template <typename T> void stopAll(T &items) {
  for (auto &i : items)
    i.requestStop();
}

// The `if` tests the flag before the lock is taken: not a check under the
// mutex (no writer can fix that waiter by taking it).
class IfOutsideLock {
  std::atomic<bool> ready_{false};
  std::mutex m_;
  std::condition_variable cv_;
public:
  void waitReady() {
    if (!ready_) {
      std::unique_lock<std::mutex> l(m_);
      cv_.wait(l);
    }
  }
  void setReady() {
    ready_ = true;
    cv_.notify_all();
  }
};

// --- Known misses ------------------------------------------------------------

// FIXME: should warn: notified before a store(); only assignments and ++/--
// count as the write of rule 2 (a member call may consume instead).
class EarlyStore {
  std::atomic<bool> ready_{false};
  std::mutex m_;
  std::condition_variable cv_;
public:
  void waitReady() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return ready_.load(); });
  }
  void publish() {
    cv_.notify_all();
    std::lock_guard<std::mutex> g(m_);
    ready_.store(true);
  }
};

// Regression: functions with callers in three different functions (the
// search for the thread a function runs on stopped at the second caller and
// then read a null pointer: a crash on examples/iot-collector). Correct code:
// silent.
class ThreeCallers {
public:
  void a() { wait_ready(); set_ready(); }
  void b() { wait_ready(); set_ready(); }
  void c() { wait_ready(); set_ready(); }

private:
  void wait_ready() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return ready_; });
  }
  void set_ready() {
    {
      std::lock_guard<std::mutex> g(m_);
      ready_ = true;
    }
    cv_.notify_all();
  }
  std::mutex m_;
  std::condition_variable cv_;
  bool ready_ = false;
};
