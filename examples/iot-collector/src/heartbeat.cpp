// heartbeat.cpp - "I am alive" messages: gateway -> cloud, gateway -> devices.
#include "collector.h"

#include <sstream>
#include <utility>

namespace collector {

// ------------------------------------------------------ gateway heartbeat --

GatewayHeartbeat::GatewayHeartbeat(std::string gateway_id, std::string endpoint,
                                   std::chrono::milliseconds interval)
    : gateway_id_(std::move(gateway_id)), endpoint_(std::move(endpoint)),
      interval_(interval) {}

GatewayHeartbeat::~GatewayHeartbeat() {
  if (worker_.joinable())
    worker_.join();
}

void GatewayHeartbeat::send_heartbeat() {
  // Real deployments publish to MQTT topic gw/<id>/alive; we log it.
  std::ostringstream msg;
  msg << "heartbeat #" << ++sequence_ << " " << gateway_id_ << " -> "
      << endpoint_;
  log_info("heartbeat", msg.str());
}

void GatewayHeartbeat::start() {
  worker_ = std::thread([this] { // LEAK(taskleak-spawn-without-stop-token): heartbeat thread has no stop signal; the destructor's join() waits forever
    for (;;) { // LEAK(taskleak-loop-without-cancellation): endless heartbeat loop never checks for a stop request
      send_heartbeat();
      std::this_thread::sleep_for(interval_);
    }
  });
}

// ------------------------------------------------------- device keepalive --

DeviceKeepalive::DeviceKeepalive(
    std::vector<std::shared_ptr<DeviceSession>> sessions,
    std::chrono::milliseconds interval)
    : sessions_(std::move(sessions)), interval_(interval) {}

void DeviceKeepalive::start() {
  worker_ = std::jthread([this](std::stop_token st) { // OK: takes the jthread's stop token and checks it every round
    while (!st.stop_requested()) {
      std::size_t alive = 0;
      for (const auto &session : sessions_)
        alive += session->ping() ? 1 : 0;
      if (alive < sessions_.size()) {
        std::ostringstream msg;
        msg << alive << "/" << sessions_.size() << " devices answered";
        log_warn("keepalive", msg.str());
      }
      std::this_thread::sleep_for(interval_);
    }
  });
}

void DeviceKeepalive::stop() {
  worker_.request_stop();
  if (worker_.joinable())
    worker_.join();
}

} // namespace collector
