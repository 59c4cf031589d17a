// A thread library described only by a YAML model (rtthread.taskleak.yaml).
#pragma once
namespace rt {
class Thread {
public:
  template <class F> explicit Thread(F f) { (void)f; }
  void wait();
  void release(); // detaches
  bool running() const;
};
[[noreturn]] void panic(const char *why); // ends the process
} // namespace rt
