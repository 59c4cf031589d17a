// pipeline.cpp - raw frames -> decode -> enrich -> storage workers, plus the
// one-shot parallel reads used by the status page and the CLI.
#include "collector.h"

#include <algorithm>
#include <sstream>
#include <stop_token>
#include <utility>

namespace collector {

Reading decode(const RawFrame &frame) {
  Reading r;
  r.device_id = frame.device_id;
  r.metric = "temperature_c";
  r.at = frame.received;
  if (frame.payload.size() >= 2) {
    // Register 0x0001: signed tenths of a degree, big-endian.
    const auto raw = static_cast<std::int16_t>((frame.payload[0] << 8) |
                                               frame.payload[1]);
    r.value = raw / 10.0;
  }
  return r;
}

namespace {

Reading enrich(Reading r) {
  // Sensors report -3276.8 when the probe is unplugged.
  if (r.value < -273.15)
    r.metric += ".invalid";
  r.value = std::clamp(r.value, -273.15, 1000.0);
  return r;
}

// Stage 1. Runs on a std::jthread; its stop request closes the input so that
// recv() wakes up.
void decode_pump(std::stop_token st, sync::Chan<RawFrame> in,
                 sync::Chan<Reading> out) {
  std::stop_callback wake(st, [in] { in.close(); });
  while (true) { // LEAK(taskleak-loop-without-cancellation): never looks at st; after close() recv() returns nullopt and the loop spins forever
    std::optional<RawFrame> frame = in.recv();
    if (!frame)
      continue; // a closed input is treated like an empty read
    out.send(decode(*frame));
  }
}

// Stage 2. Same shape, but it checks its token.
void enrich_pump(std::stop_token st, sync::Chan<Reading> in,
                 sync::Chan<Reading> out) {
  std::stop_callback wake(st, [in] { in.close(); });
  while (!st.stop_requested()) { // OK: the condition is the stop token
    std::optional<Reading> reading = in.recv();
    if (!reading)
      break;
    out.send(enrich(std::move(*reading)));
  }
}

} // namespace

Pipeline::Pipeline(const CollectorConfig &cfg, MetricsRegistry &metrics)
    : cfg_(cfg), metrics_(metrics), raw_(cfg.queue_depth),
      decoded_(cfg.queue_depth), enriched_(cfg.queue_depth) {}

Pipeline::~Pipeline() { stop(); }

void Pipeline::start() {
  stages_.emplace_back(decode_pump, raw_, decoded_);
  stages_.emplace_back(enrich_pump, decoded_, enriched_);
  for (std::size_t i = 0; i < cfg_.workers; ++i) {
    workers_.emplace_back([this] { // OK: ends when enriched_ is closed
      while (std::optional<Reading> r = enriched_.recv())
        store(*r);
    });
  }
  log_info("pipeline", "started");
}

void Pipeline::stop() {
  if (stages_.empty() && workers_.empty())
    return;
  raw_.close();
  for (auto &stage : stages_)
    stage.request_stop();
  stages_.clear(); // joins
  enriched_.close();
  for (auto &worker : workers_)
    worker.join();
  workers_.clear();
  log_info("pipeline", "stopped");
}

void Pipeline::store(const Reading &r) {
  std::lock_guard lock(results_mu_);
  results_.push_back(r);
  if (results_.size() > 10000)
    results_.erase(results_.begin(), results_.begin() + 5000);
  metrics_.increment("pipeline.stored");
}

std::size_t Pipeline::stored() const {
  std::lock_guard lock(results_mu_);
  return results_.size();
}

// ------------------------------------------------------ one-shot reads -----

std::optional<Reading> Pipeline::probe(DeviceSession &dev) {
  sync::Chan<Reading> result; // unbuffered
  sync::go([&dev, result] {
    result.send(decode(dev.read_frame())); // LEAK(taskleak-unconsumed-channel-send): unbuffered send; after the timeout nobody receives and the sender blocks forever
  });
  const auto deadline = Clock::now() + cfg_.read_timeout;
  for (int i = 0; i < 50 && Clock::now() < deadline; ++i) {
    if (std::optional<Reading> r = result.try_recv())
      return r;
    std::this_thread::sleep_for(cfg_.read_timeout / 50);
  }
  metrics_.increment("probe.timeout");
  return std::nullopt;
}

std::optional<Reading> Pipeline::read_now(DeviceSession &dev) {
  sync::Chan<Reading> result(1); // OK: one slot, the sender never waits for us
  sync::go([&dev, result] { result.send(decode(dev.read_frame())); });
  const auto deadline = Clock::now() + cfg_.read_timeout;
  for (int i = 0; i < 50 && Clock::now() < deadline; ++i) {
    if (std::optional<Reading> r = result.try_recv())
      return r;
    std::this_thread::sleep_for(cfg_.read_timeout / 50);
  }
  metrics_.increment("read_now.timeout");
  return std::nullopt;
}

void Pipeline::snapshot_all(
    const std::vector<std::shared_ptr<DeviceSession>> &devices) {
  sync::WaitGroup wg;
  for (const auto &dev : devices) {
    sync::go([this, &wg, dev] {
      wg.Add(1); // LEAK(taskleak-waitgroup-mismatch): Add inside the task races with wg.Wait(), which can return before any task has started
      RawFrame frame = dev->read_frame();
      if (!frame.payload.empty())
        store(decode(frame));
      wg.Done();
    });
  }
  wg.Wait();
  log_info("pipeline", "snapshot complete");
}

std::size_t Pipeline::refresh_all(
    const std::vector<std::shared_ptr<DeviceSession>> &devices) {
  sync::WaitGroup wg;
  std::atomic<std::size_t> ok{0};
  for (const auto &dev : devices) {
    wg.Add(1); // OK: counted before the task is started
    sync::go([this, &wg, &ok, dev] {
      RawFrame frame = dev->read_frame();
      if (!frame.payload.empty()) {
        store(decode(frame));
        ok.fetch_add(1);
      }
      wg.Done();
    });
  }
  wg.Wait();
  std::ostringstream msg;
  msg << "refreshed " << ok.load() << "/" << devices.size() << " devices";
  log_info("pipeline", msg.str());
  return ok.load();
}

} // namespace collector
