// Fleet management: firmware updates, link supervision, device commands and
// configuration probes. Written against the standard library only: its
// bounded queue is the team's own, not the sync:: toolkit of chan.h.
#include "collector.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace collector {

namespace {

using namespace std::chrono_literals;

// A bounded blocking queue: push waits while it is full.
template <typename T> class BoundedQueue {
public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}

  void push(T value) {
    std::unique_lock<std::mutex> lock(mutex_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_; });
    items_.push_back(std::move(value));
    not_empty_.notify_one();
  }

  std::optional<T> pop_for(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!not_empty_.wait_for(lock, timeout, [&] { return !items_.empty(); }))
      return std::nullopt;
    T value = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return value;
  }

private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
};

bool link_up(const DeviceConfig &dev) { return !dev.host.empty(); }
void send_ping(const DeviceConfig &dev) { log_info("fleet", "ping " + dev.id); }
bool flash_block(const DeviceConfig &dev, int block) {
  return !dev.id.empty() && block >= 0;
}
bool verify_image(const DeviceConfig &dev) { return !dev.id.empty(); }
std::string read_setting(const DeviceConfig &dev) { return dev.host; }
void poll_device(const DeviceConfig &dev) { log_info("fleet", "poll " + dev.id); }

} // namespace

class FleetManager {
public:
  explicit FleetManager(CollectorConfig cfg) : cfg_(std::move(cfg)) {}
  ~FleetManager() { stop(); }

  // One poller per device, for a single round.
  void poll_all_once() {
    std::vector<std::thread> pollers;
    for (auto dev : cfg_.devices)
      pollers.emplace_back([&] { poll_device(dev); }); // LEAK(taskleak-loop-variable-captured-by-reference): 'dev' is a copy that dies with the iteration; the poller may read it after it is destroyed
    for (const auto &dev : cfg_.devices)
      pollers.emplace_back([&dev] { poll_device(dev); }); // OK: refers to the element of cfg_.devices, which outlives the pollers
    for (auto &p : pollers)
      p.join();
  }

  // Flashes a firmware image while a progress thread reports.
  bool upload_firmware(const DeviceConfig &dev, int blocks) {
    std::atomic<int> done{0};
    std::thread progress([&] { // LEAK(taskleak-unjoined-thread): the early return below leaves 'progress' joinable, and its destructor calls std::terminate
      while (done.load() < blocks)
        std::this_thread::sleep_for(100ms);
    });
    for (int b = 0; b < blocks; ++b) {
      if (!flash_block(dev, b))
        return false;
      done.store(b + 1);
    }
    progress.join();
    return verify_image(dev);
  }

  // The same, with the progress thread joined on every path.
  bool upload_firmware_safely(const DeviceConfig &dev, int blocks) {
    std::atomic<int> done{0};
    std::atomic<bool> failed{false};
    std::thread progress([&] { // OK: joined on every path
      while (done.load() < blocks && !failed.load())
        std::this_thread::sleep_for(100ms);
    });
    bool ok = true;
    for (int b = 0; b < blocks && ok; ++b) {
      ok = flash_block(dev, b);
      done.store(b + 1);
    }
    failed.store(!ok);
    progress.join();
    return ok && verify_image(dev);
  }

  // Waits for a device's link, pinging it in the background meanwhile.
  void supervise_link(const DeviceConfig &dev) {
    while (!link_up(dev)) {
      std::thread([this, &dev] {
        while (!stopping_.load()) {
          send_ping(dev);
          std::this_thread::sleep_for(1s);
        }
      }).detach(); // LEAK(taskleak-detached-thread): a new detached pinger on every retry; each runs until stop() and nobody can join them
      std::this_thread::sleep_for(2s);
    }
  }

  // Executes queued device commands until the fleet stops.
  void start_command_worker() {
    commands_worker_ = std::jthread([this](std::stop_token stop) {
      while (!stop.stop_requested()) {
        std::unique_lock<std::mutex> lock(commands_mutex_);
        commands_ready_.wait(lock, [this] { return !commands_.empty(); }); // LEAK(taskleak-blocking-wait-ignores-stop-token): request_stop() cannot wake this wait, so the jthread's join in the destructor hangs
        commands_.pop_front();
      }
    });
  }

  // The same worker, woken by a stop request.
  void start_command_worker_safely() {
    safe_worker_ = std::jthread([this](std::stop_token stop) {
      while (!stop.stop_requested()) {
        std::unique_lock<std::mutex> lock(safe_mutex_);
        if (!safe_ready_.wait(lock, stop, [this] { return !safe_commands_.empty(); })) // OK: condition_variable_any with the stop token
          return;
        safe_commands_.pop_front();
      }
    });
  }

  // Reads a setting from the device, giving up after the read timeout.
  std::optional<std::string> probe_setting(const DeviceConfig &dev) {
    BoundedQueue<std::string> reply(0);
    std::thread([&reply, &dev] {
      reply.push(read_setting(dev)); // LEAK(taskleak-unconsumed-channel-send): after the timeout nobody pops, the queue holds nothing, and the reader blocks forever
    }).detach();
    return reply.pop_for(cfg_.read_timeout);
  }

  void stop() {
    stopping_.store(true);
    commands_worker_.request_stop();
    safe_worker_.request_stop();
  }

private:
  CollectorConfig cfg_;
  std::atomic<bool> stopping_{false};
  std::mutex commands_mutex_;
  std::condition_variable commands_ready_;
  std::deque<std::string> commands_;
  std::jthread commands_worker_;
  std::mutex safe_mutex_;
  std::condition_variable_any safe_ready_;
  std::deque<std::string> safe_commands_;
  std::jthread safe_worker_;
};

} // namespace collector
