// main.cpp - wires the collector together and runs it.
//
//   iot-collector [--devices N] [--run-for SECONDS] [COMMAND]
//
// COMMAND is one of
//   run                 (default) collect until SIGINT/SIGTERM or --run-for
//   read DEVICE         one reading from DEVICE, then exit
//   probe DEVICE        like read, but with the status page's code path
//   snapshot            read every device once, then exit
//   dump-metrics        write the counters to every sink, then exit
#include "collector.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iomanip>
#include <latch>
#include <sstream>

namespace collector {

// ---------------------------------------------------------------- logging --

void log_line(std::string_view level, std::string_view component,
              std::string_view message) {
  static std::mutex mu;
  const auto now = std::chrono::system_clock::to_time_t(
      std::chrono::system_clock::now());
  std::tm tm{};
  localtime_r(&now, &tm);
  std::lock_guard lock(mu);
  std::cerr << std::put_time(&tm, "%H:%M:%S") << ' ' << level << " ["
            << component << "] " << message << '\n';
}

CollectorConfig default_config(std::size_t n) {
  CollectorConfig cfg;
  for (std::size_t i = 1; i <= n; ++i) {
    DeviceConfig dev;
    dev.id = (i < 10 ? "plc-0" : "plc-") + std::to_string(i);
    dev.host = "10.20.0." + std::to_string(10 + i);
    dev.poll_interval = std::chrono::milliseconds(500 + 100 * (i % 5));
    cfg.devices.push_back(std::move(dev));
  }
  return cfg;
}

namespace {

std::atomic<bool> g_shutdown{false};

// Dedicated signal thread (SIGINT/SIGTERM/SIGHUP are blocked everywhere
// else). SIGHUP only logs; the other two end the service.
void *signal_thread(void *arg) {
  auto *set = static_cast<sigset_t *>(arg);
  for (;;) { // OK: returns on SIGINT/SIGTERM
    int sig = 0;
    if (sigwait(set, &sig) != 0)
      return nullptr;
    if (sig == SIGHUP) {
      log_info("main", "SIGHUP: configuration reload is not supported yet");
      continue;
    }
    log_info("main", "shutdown requested");
    g_shutdown.store(true);
    return nullptr;
  }
}

struct Tables {
  std::map<std::string, double> calibration;
  std::map<std::string, std::string> display_names;
};

// Both tables come from slow flash on the real gateway; load them in parallel.
Tables load_tables(const CollectorConfig &cfg) {
  Tables tables;
  std::latch loaded(2); // OK: two loader threads, two count_downs
  std::jthread calibration([&] {
    for (const auto &dev : cfg.devices)
      tables.calibration[dev.id] = 0.0;
    loaded.count_down();
  });
  std::jthread names([&] {
    for (const auto &dev : cfg.devices)
      tables.display_names[dev.id] = dev.id + "@" + dev.host;
    loaded.count_down();
  });
  loaded.wait();
  return tables;
}

} // namespace

// --------------------------------------------------------------- service ---

class Collector {
public:
  explicit Collector(CollectorConfig cfg)
      : cfg_(std::move(cfg)), pipeline_(cfg_, metrics_),
        heartbeat_(cfg_.gateway_id, cfg_.cloud_endpoint,
                   cfg_.heartbeat_interval),
        flusher_(metrics_, cfg_.metrics_interval), reporter_(metrics_) {
    for (const auto &dev : cfg_.devices)
      sessions_.push_back(std::make_shared<DeviceSession>(
          dev, metrics_, pipeline_.input(), cfg_.connect_failure_rate));
    keepalive_ = std::make_unique<DeviceKeepalive>(sessions_,
                                                   cfg_.keepalive_interval);
  }

  DeviceSession *find(const std::string &id) {
    for (const auto &s : sessions_)
      if (s->id() == id)
        return s.get();
    return nullptr;
  }

  void connect_all() {
    for (const auto &s : sessions_)
      s->connect_async();
    std::this_thread::sleep_for(300ms);
  }

  int run(std::chrono::seconds run_for) {
    const Tables tables = load_tables(cfg_);
    log_info("main", "loaded " + std::to_string(tables.calibration.size()) +
                         " calibration entries");
    pipeline_.start();
    connect_all();
    for (const auto &s : sessions_)
      s->start_polling(ctx_);
    heartbeat_.start();
    keepalive_->start();
    flusher_.start();
    reporter_.start();

    // Supervisor: bring dropped links back.
    const auto until = Clock::now() + run_for;
    while (!g_shutdown.load() && Clock::now() < until) {
      for (const auto &s : sessions_)
        if (!s->healthy())
          s->reconnect();
      std::this_thread::sleep_for(500ms);
    }

    log_info("main", "stopping");
    ctx_.cancel();
    reporter_.stop();
    keepalive_->stop();
    pipeline_.stop();
    return 0;
  }

  int read(const std::string &id, bool status_page) {
    DeviceSession *dev = find(id);
    if (dev == nullptr) {
      std::cerr << "unknown device " << id << '\n';
      return 2;
    }
    connect_all();
    std::optional<Reading> r =
        status_page ? pipeline_.probe(*dev) : pipeline_.read_now(*dev);
    if (!r) {
      std::cerr << id << ": timed out\n";
      return 1;
    }
    std::cout << r->device_id << ' ' << r->metric << ' ' << r->value << '\n';
    return 0;
  }

  int snapshot() {
    connect_all();
    pipeline_.snapshot_all(sessions_);
    const std::size_t ok = pipeline_.refresh_all(sessions_);
    std::cout << ok << " devices answered, " << pipeline_.stored()
              << " readings stored\n";
    return 0;
  }

  int dump_metrics() {
    flusher_.export_snapshot();
    return 0;
  }

private:
  CollectorConfig cfg_;
  MetricsRegistry metrics_;
  Pipeline pipeline_;
  std::vector<std::shared_ptr<DeviceSession>> sessions_;
  GatewayHeartbeat heartbeat_;
  std::unique_ptr<DeviceKeepalive> keepalive_;
  MetricsFlusher flusher_;
  MetricsReporter reporter_;
  sync::Context ctx_;
};

} // namespace collector

int main(int argc, char **argv) {
  using namespace collector;

  std::size_t devices = 4;
  long run_for = 30;
  std::vector<std::string> command;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--devices" && i + 1 < argc)
      devices = std::strtoul(argv[++i], nullptr, 10);
    else if (arg == "--run-for" && i + 1 < argc)
      run_for = std::strtol(argv[++i], nullptr, 10);
    else
      command.push_back(arg);
  }
  if (command.empty())
    command.push_back("run");

  // Block the shutdown signals before any thread exists, so that every thread
  // inherits the mask and only signal_thread sees them.
  static sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  pthread_t sig_thread;
  if (pthread_create(&sig_thread, nullptr, &signal_thread, &signals) != 0) { // OK: the thread returns on the first SIGINT/SIGTERM
    std::perror("pthread_create");
    return 1;
  }
  pthread_detach(sig_thread);

  Collector app(default_config(devices));
  const std::string &cmd = command.front();
  if (cmd == "run")
    return app.run(std::chrono::seconds(run_for));
  if ((cmd == "read" || cmd == "probe") && command.size() == 2)
    return app.read(command[1], cmd == "probe");
  if (cmd == "snapshot")
    return app.snapshot();
  if (cmd == "dump-metrics")
    return app.dump_metrics();
  std::cerr << "usage: iot-collector [--devices N] [--run-for SECONDS] "
               "[run | read DEVICE | probe DEVICE | snapshot | dump-metrics]\n";
  return 2;
}
