// heavy_std.cpp - a benchmark translation unit for bench/run.sh.
//
// Pulls in most of the C++20 standard library as shipped by libstdc++ 12
// (<format> is not there yet, so it is left out) and uses a fair part of it in
// a small log-analysis routine, so that both the compiler and taskleak have a
// large AST to walk. Compile: clang++-19 -std=c++20 -fsyntax-only heavy_std.cpp
#include <algorithm>
#include <any>
#include <array>
#include <atomic>
#include <barrier>
#include <bit>
#include <bitset>
#include <charconv>
#include <chrono>
#include <cmath>
#include <compare>
#include <complex>
#include <concepts>
#include <condition_variable>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <forward_list>
#include <fstream>
#include <functional>
#include <future>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <latch>
#include <limits>
#include <list>
#include <locale>
#include <map>
#include <memory>
#include <memory_resource>
#include <mutex>
#include <numbers>
#include <numeric>
#include <optional>
#include <queue>
#include <random>
#include <ranges>
#include <regex>
#include <semaphore>
#include <set>
#include <shared_mutex>
#include <source_location>
#include <span>
#include <sstream>
#include <stack>
#include <stop_token>
#include <string>
#include <string_view>
#include <syncstream>
#include <system_error>
#include <thread>
#include <tuple>
#include <type_traits>
#include <typeindex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <valarray>
#include <variant>
#include <vector>

namespace bench {

struct LogEntry {
  std::chrono::system_clock::time_point at;
  std::string level;
  std::string device;
  double value = 0.0;
};

template <typename T>
concept Numeric = std::integral<T> || std::floating_point<T>;

template <Numeric T> double percentile(std::vector<T> values, double p) {
  if (values.empty())
    return std::numeric_limits<double>::quiet_NaN();
  std::ranges::sort(values);
  const auto rank = static_cast<std::size_t>(
      std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return static_cast<double>(values[std::clamp<std::size_t>(rank, 1, values.size()) - 1]);
}

// Parses "2024-05-01T10:00:00 WARN plc-07 temp=27.5" lines.
std::vector<LogEntry> parse(std::istream &in) {
  static const std::regex line_re(
      R"(^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}) (\w+) ([\w-]+) \w+=([-\d.]+)$)");
  std::vector<LogEntry> out;
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, line_re))
      continue;
    LogEntry e;
    std::tm tm{};
    tm.tm_year = std::stoi(m[1]) - 1900;
    tm.tm_mon = std::stoi(m[2]) - 1;
    tm.tm_mday = std::stoi(m[3]);
    tm.tm_hour = std::stoi(m[4]);
    tm.tm_min = std::stoi(m[5]);
    tm.tm_sec = std::stoi(m[6]);
    e.at = std::chrono::system_clock::from_time_t(std::mktime(&tm));
    e.level = m[7];
    e.device = m[8];
    const std::string v = m[9];
    std::from_chars(v.data(), v.data() + v.size(), e.value);
    out.push_back(std::move(e));
  }
  return out;
}

struct DeviceStats {
  std::size_t count = 0;
  double mean = 0.0;
  double p95 = 0.0;
  auto operator<=>(const DeviceStats &) const = default;
};

std::map<std::string, DeviceStats> summarize(std::span<const LogEntry> entries) {
  std::unordered_map<std::string, std::vector<double>> by_device;
  for (const auto &e : entries | std::views::filter([](const LogEntry &x) {
                         return x.level != "DEBUG";
                       }))
    by_device[e.device].push_back(e.value);

  // Summarize each device on its own task.
  std::vector<std::future<std::pair<std::string, DeviceStats>>> jobs;
  for (auto &[device, values] : by_device) {
    jobs.push_back(std::async(std::launch::async, [&device, &values] {
      DeviceStats s;
      s.count = values.size();
      s.mean = std::accumulate(values.begin(), values.end(), 0.0) /
               static_cast<double>(std::max<std::size_t>(s.count, 1));
      s.p95 = percentile(values, 95.0);
      return std::pair{device, s};
    }));
  }
  std::map<std::string, DeviceStats> result;
  for (auto &job : jobs)
    result.insert(job.get());
  return result;
}

void report(const std::map<std::string, DeviceStats> &stats,
            std::ostream &out) {
  std::osyncstream sync_out(out);
  for (const auto &[device, s] : stats | std::views::take(20))
    sync_out << std::left << std::setw(12) << device << std::right
             << std::setw(6) << s.count << std::fixed << std::setprecision(2)
             << std::setw(10) << s.mean << std::setw(10) << s.p95 << '\n';
}

int run(const std::filesystem::path &log_file) {
  std::ifstream in(log_file);
  if (!in) {
    std::cerr << "cannot open " << log_file << ": "
              << std::make_error_code(std::errc::no_such_file_or_directory)
                     .message()
              << '\n';
    return 1;
  }
  const std::vector<LogEntry> entries = parse(in);
  std::jthread progress([](std::stop_token st) {
    while (!st.stop_requested())
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  });
  report(summarize(entries), std::cout);
  return 0;
}

} // namespace bench

int main(int argc, char **argv) {
  return argc > 1 ? bench::run(argv[1]) : 0;
}
