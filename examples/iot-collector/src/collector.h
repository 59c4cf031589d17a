// collector.h - configuration, data types and the service's components.
#pragma once

#include "chan.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace collector {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------- config ---

struct DeviceConfig {
  std::string id;
  std::string host;
  std::uint16_t port = 502;
  std::chrono::milliseconds poll_interval{1000};
};

struct CollectorConfig {
  std::string gateway_id = "gw-0001";
  std::string cloud_endpoint = "telemetry.example.net:8883";
  std::vector<DeviceConfig> devices;
  std::chrono::milliseconds heartbeat_interval{5000};
  std::chrono::milliseconds keepalive_interval{2000};
  std::chrono::milliseconds read_timeout{250};
  std::chrono::milliseconds metrics_interval{10000};
  std::size_t workers = 4;
  std::size_t queue_depth = 64;
  double connect_failure_rate = 0.2; // simulated link quality
};

// Builds a config with `n` simulated Modbus devices.
CollectorConfig default_config(std::size_t n);

// ---------------------------------------------------------------- data -----

struct RawFrame {
  std::string device_id;
  std::vector<std::uint8_t> payload;
  Clock::time_point received;
};

struct Reading {
  std::string device_id;
  std::string metric;
  double value = 0.0;
  Clock::time_point at;
};

// ---------------------------------------------------------------- logging --

void log_line(std::string_view level, std::string_view component,
              std::string_view message);

inline void log_info(std::string_view c, std::string_view m) {
  log_line("INFO", c, m);
}
inline void log_warn(std::string_view c, std::string_view m) {
  log_line("WARN", c, m);
}

// ---------------------------------------------------------------- metrics --

class MetricsRegistry {
public:
  void increment(const std::string &name, std::uint64_t by = 1);
  std::map<std::string, std::uint64_t> snapshot() const;

private:
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t> counters_;
};

// Periodically writes the registry to the log (stands in for a push to the
// time-series backend).
class MetricsFlusher {
public:
  MetricsFlusher(MetricsRegistry &registry, std::chrono::milliseconds every);
  void start();
  void export_snapshot();

private:
  void flush_loop();
  void flush_once();

  MetricsRegistry &registry_;
  std::chrono::milliseconds every_;
  std::future<void> flushing_;
};

// Prints a one-line summary while running; stopped explicitly on shutdown.
class MetricsReporter {
public:
  explicit MetricsReporter(MetricsRegistry &registry);
  ~MetricsReporter();
  void start();
  void stop();

private:
  MetricsRegistry &registry_;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

// Pushes threshold alerts to the on-call pager from a background thread.
class AlertDispatcher {
public:
  AlertDispatcher();
  ~AlertDispatcher();
  void raise(std::string alert);
  void shutdown();

private:
  void run();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> pending_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// ---------------------------------------------------------------- devices --

// One connection to a field device. Reads are simulated.
class DeviceSession {
public:
  DeviceSession(DeviceConfig cfg, MetricsRegistry &metrics,
                sync::Chan<RawFrame> frames, double failure_rate);

  const std::string &id() const { return cfg_.id; }
  bool healthy() const { return connected_.load(); }

  void connect_async();                    // bounded retry, in the background
  void start_polling(sync::Context ctx);   // poller that honours ctx
  void reconnect();                        // called by the supervisor
  RawFrame read_frame();                   // one blocking read
  bool ping();                             // keeps the device's idle timer alive

private:
  bool try_connect();
  void poll_once();

  DeviceConfig cfg_;
  MetricsRegistry &metrics_;
  sync::Chan<RawFrame> frames_;
  std::atomic<bool> connected_{false};
  std::mutex rng_mu_;
  std::mt19937 rng_;
  std::bernoulli_distribution fails_;
};

// ---------------------------------------------------------------- heartbeat

// Tells the cloud every few seconds that this gateway is alive.
class GatewayHeartbeat {
public:
  GatewayHeartbeat(std::string gateway_id, std::string endpoint,
                   std::chrono::milliseconds interval);
  ~GatewayHeartbeat();
  void start();

private:
  void send_heartbeat();

  std::string gateway_id_;
  std::string endpoint_;
  std::chrono::milliseconds interval_;
  std::uint64_t sequence_ = 0;
  std::thread worker_;
};

// Pings every device so that their idle timers do not drop the link.
class DeviceKeepalive {
public:
  DeviceKeepalive(std::vector<std::shared_ptr<DeviceSession>> sessions,
                  std::chrono::milliseconds interval);
  void start();
  void stop();

private:
  std::vector<std::shared_ptr<DeviceSession>> sessions_;
  std::chrono::milliseconds interval_;
  std::jthread worker_;
};

// ---------------------------------------------------------------- pipeline

// raw frames -> decode -> enrich -> worker pool (storage)
class Pipeline {
public:
  Pipeline(const CollectorConfig &cfg, MetricsRegistry &metrics);
  ~Pipeline();

  sync::Chan<RawFrame> input() const { return raw_; }
  void start();
  void stop();

  // One-shot reads with a deadline: probe() serves the status page,
  // read_now() the `collector read <device>` CLI command.
  std::optional<Reading> probe(DeviceSession &dev);
  std::optional<Reading> read_now(DeviceSession &dev);

  // Reads every device once, in parallel, and stores the results.
  // snapshot_all() backs the status page, refresh_all() the scheduler.
  void snapshot_all(const std::vector<std::shared_ptr<DeviceSession>> &devices);
  std::size_t
  refresh_all(const std::vector<std::shared_ptr<DeviceSession>> &devices);

  std::size_t stored() const;

private:
  void store(const Reading &r);

  const CollectorConfig &cfg_;
  MetricsRegistry &metrics_;
  sync::Chan<RawFrame> raw_;
  sync::Chan<Reading> decoded_;
  sync::Chan<Reading> enriched_;
  std::vector<std::jthread> stages_;
  std::vector<std::thread> workers_;
  mutable std::mutex results_mu_;
  std::vector<Reading> results_;
};

Reading decode(const RawFrame &frame);

} // namespace collector
