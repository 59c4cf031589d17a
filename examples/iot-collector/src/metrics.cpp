// metrics.cpp - counters, the periodic flush, the console reporter and the
// on-demand export.
#include "collector.h"

#include <fstream>
#include <latch>
#include <sstream>

namespace collector {

// --------------------------------------------------------------- registry --

void MetricsRegistry::increment(const std::string &name, std::uint64_t by) {
  std::lock_guard lock(mu_);
  counters_[name] += by;
}

std::map<std::string, std::uint64_t> MetricsRegistry::snapshot() const {
  std::lock_guard lock(mu_);
  return counters_;
}

namespace {

std::string format_line(const std::map<std::string, std::uint64_t> &snap) {
  std::ostringstream out;
  bool first = true;
  for (const auto &[name, value] : snap) {
    out << (first ? "" : " ") << name << "=" << value;
    first = false;
  }
  return out.str();
}

void write_csv(const std::map<std::string, std::uint64_t> &snap,
               const std::string &path) {
  std::ofstream file(path, std::ios::app);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  for (const auto &[name, value] : snap)
    file << now << ',' << name << ',' << value << '\n';
}

} // namespace

// ---------------------------------------------------------------- flusher --

MetricsFlusher::MetricsFlusher(MetricsRegistry &registry,
                               std::chrono::milliseconds every)
    : registry_(registry), every_(every) {}

void MetricsFlusher::flush_once() {
  // Stands in for a push to the time-series database.
  log_info("metrics", "flush " + format_line(registry_.snapshot()));
  registry_.increment("metrics.flushes");
}

void MetricsFlusher::flush_loop() {
  for (;;) { // LEAK(taskleak-loop-without-cancellation): flushes forever, nothing can stop it
    std::this_thread::sleep_for(every_);
    flush_once();
  }
}

void MetricsFlusher::start() {
  flushing_ = std::async(std::launch::async, &MetricsFlusher::flush_loop, this); // LEAK(taskleak-spawn-without-stop-token): no stop signal; the future's destructor blocks forever at shutdown
}

// Writes the current counters to every sink at once and returns when all of
// them are done. Used by the `collector dump-metrics` command.
void MetricsFlusher::export_snapshot() {
  const auto snap = registry_.snapshot();
  std::latch done(3); // LEAK(taskleak-waitgroup-mismatch): expects three count_downs but only two exporter threads count down, so wait() never returns
  std::thread([&] {
    write_csv(snap, "/tmp/iot-collector-metrics.csv");
    done.count_down();
  }).detach();
  std::thread([&] {
    log_info("metrics", "export " + format_line(snap));
    done.count_down();
  }).detach();
  done.wait();
}

// --------------------------------------------------------------- reporter --

MetricsReporter::MetricsReporter(MetricsRegistry &registry)
    : registry_(registry) {}

MetricsReporter::~MetricsReporter() { stop(); }

void MetricsReporter::start() {
  running_.store(true);
  thread_ = std::thread([this] { // OK: loops while running_, which stop() clears
    while (running_.load()) {
      const auto snap = registry_.snapshot();
      const auto it = snap.find("pipeline.stored");
      std::ostringstream msg;
      msg << "stored=" << (it == snap.end() ? 0 : it->second);
      log_info("reporter", msg.str());
      std::this_thread::sleep_for(1s);
    }
  });
}

void MetricsReporter::stop() {
  running_.store(false);
  if (thread_.joinable())
    thread_.join();
}

// ----------------------------------------------------------------- alerts --

AlertDispatcher::AlertDispatcher() : thread_([this] { run(); }) {}

AlertDispatcher::~AlertDispatcher() { shutdown(); }

void AlertDispatcher::raise(std::string alert) {
  {
    std::lock_guard lock(mu_); // OK: the queue changes under the dispatcher's mutex
    pending_.push_back(std::move(alert));
  }
  cv_.notify_one();
}

void AlertDispatcher::shutdown() {
  stopping_.store(true); // LEAK(taskleak-lost-wakeup): set without mu_, so the notify can fall between run()'s check and its wait; shutdown() then hangs in join()
  cv_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void AlertDispatcher::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_.load() || !pending_.empty(); });
    if (stopping_.load())
      return;
    const std::string alert = std::move(pending_.front());
    pending_.pop_front();
    lock.unlock();
    log_info("alerts", "page: " + alert);
    lock.lock();
  }
}

} // namespace collector
