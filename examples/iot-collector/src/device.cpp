// device.cpp - connections to field devices: connect, poll, reconnect.
//
// Device I/O is simulated (a seeded random link that drops now and then) so
// the sample runs anywhere; the threading is the real thing.
#include "collector.h"

#include <algorithm>
#include <functional>
#include <sstream>
#include <utility>

namespace collector {
namespace {

constexpr int kMaxConnectAttempts = 5;

std::chrono::milliseconds backoff(int attempt) {
  // 100 ms, 200 ms, 400 ms, ... capped at 5 s.
  const auto delay = std::chrono::milliseconds(100) * (1 << std::min(attempt, 6));
  return std::min<std::chrono::milliseconds>(delay, 5s);
}

} // namespace

DeviceSession::DeviceSession(DeviceConfig cfg, MetricsRegistry &metrics,
                             sync::Chan<RawFrame> frames, double failure_rate)
    : cfg_(std::move(cfg)), metrics_(metrics), frames_(std::move(frames)),
      rng_(static_cast<std::mt19937::result_type>(
          std::hash<std::string>{}(cfg_.id))),
      fails_(failure_rate) {}

bool DeviceSession::try_connect() {
  std::this_thread::sleep_for(20ms); // TCP + Modbus handshake
  bool ok;
  {
    std::lock_guard lock(rng_mu_);
    ok = !fails_(rng_);
  }
  connected_.store(ok);
  metrics_.increment(ok ? "device.connect.ok" : "device.connect.failed");
  return ok;
}

RawFrame DeviceSession::read_frame() {
  std::this_thread::sleep_for(5ms);
  RawFrame frame{cfg_.id, {}, Clock::now()};
  std::lock_guard lock(rng_mu_);
  if (fails_(rng_) && fails_(rng_)) {
    // Link dropped; the supervisor will notice healthy() == false.
    connected_.store(false);
    return frame;
  }
  // Holding registers 0x0001-0x0002: temperature and humidity in tenths,
  // big-endian.
  std::uniform_int_distribution<int> temperature(180, 320);
  std::uniform_int_distribution<int> humidity(300, 700);
  for (const int reg : {temperature(rng_), humidity(rng_)}) {
    frame.payload.push_back(static_cast<std::uint8_t>(reg >> 8));
    frame.payload.push_back(static_cast<std::uint8_t>(reg & 0xff));
  }
  return frame;
}

bool DeviceSession::ping() {
  if (!connected_.load())
    return false;
  metrics_.increment("device.keepalive");
  return true;
}

void DeviceSession::poll_once() {
  if (!connected_.load())
    return;
  RawFrame frame = read_frame();
  if (frame.payload.empty()) {
    metrics_.increment("device.read.failed");
    return;
  }
  metrics_.increment("device.read.ok");
  frames_.send(std::move(frame));
}

// Initial connection, off the start-up path so that one dead device does not
// delay the others.
void DeviceSession::connect_async() {
  sync::go([this] { // OK: at most kMaxConnectAttempts tries, then the task ends
    for (int attempt = 0; attempt < kMaxConnectAttempts; ++attempt) {
      if (try_connect()) {
        log_info("device", cfg_.id + " connected");
        return;
      }
      std::this_thread::sleep_for(backoff(attempt));
    }
    log_warn("device", cfg_.id + " unreachable, giving up");
  });
}

// The poller started at boot. It shares the collector's Context, so shutdown
// stops it.
void DeviceSession::start_polling(sync::Context ctx) {
  sync::go([this, ctx] { // OK: gets the Context and checks it every round
    while (!ctx.cancelled()) {
      poll_once();
      std::this_thread::sleep_for(cfg_.poll_interval);
    }
    log_info("device", cfg_.id + " poller stopped");
  });
}

// Called by the supervisor whenever healthy() turns false.
void DeviceSession::reconnect() {
  for (int attempt = 0; attempt < kMaxConnectAttempts; ++attempt) {
    if (!try_connect()) {
      std::this_thread::sleep_for(backoff(attempt));
      continue;
    }
    std::ostringstream msg;
    msg << cfg_.id << " reconnected after " << attempt + 1 << " attempt(s)";
    log_info("device", msg.str());
    // Resume polling on the fresh connection.
    sync::go([this] { // LEAK(taskleak-spawn-without-stop-token): a new poller on every reconnect; none of them can ever be stopped
      for (;;) { // LEAK(taskleak-loop-without-cancellation): no way out and no stop check
        poll_once();
        std::this_thread::sleep_for(cfg_.poll_interval);
      }
    });
    return;
  }
  log_warn("device", cfg_.id + " still down after retries");
}

} // namespace collector
