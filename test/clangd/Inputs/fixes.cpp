// Findings whose fixes taskleak-clangd offers under short titles (fix-titles.test).
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

void poll_sensors();
void use(int);

void start_poller() {
  std::thread t([] {
    while (true) {
      poll_sensors();
    }
  });
  t.join();
}

void start_workers(const std::vector<int> &ids) {
  std::vector<std::jthread> workers;
  for (int id : ids)
    workers.emplace_back([&id] { use(id); });
}

void run(std::stop_token token) {
  while (true) {
    poll_sensors();
  }
}

struct Queue {
  std::mutex mu;
  std::condition_variable_any cv;
  bool ready = false;
  void wait_ready(std::stop_token st) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [this] { return ready; });
  }
};

struct Flag {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  void wait_done() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [this] { return done; });
  }
  void finish() {
    done = true;
    cv.notify_one();
  }
};

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

void fan_out() {
  WaitGroup wg;
  std::jthread t([&wg] {
    wg.Add(1);
    wg.Done();
  });
  wg.Wait();
}
