// Minimal stand-in for "absl/synchronization/blocking_counter.h" used by the
// taskleak lit tests. Not a working Abseil.
#pragma once

namespace absl {

class BlockingCounter {
public:
  explicit BlockingCounter(int initial_count) : count_(initial_count) {}
  BlockingCounter(const BlockingCounter &) = delete;
  BlockingCounter &operator=(const BlockingCounter &) = delete;

  // Returns true when the count reached zero.
  bool DecrementCount() { return --count_ == 0; }
  void Wait() {}

private:
  int count_;
};

} // namespace absl
