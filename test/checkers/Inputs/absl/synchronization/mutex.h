// Minimal stand-in for "absl/synchronization/mutex.h" used by the taskleak
// lit tests (absl::Mutex, absl::MutexLock, absl::CondVar). Not a working
// Abseil.
#pragma once

#include <cstdint>

namespace absl {

class Mutex {
public:
  Mutex() = default;
  Mutex(const Mutex &) = delete;
  Mutex &operator=(const Mutex &) = delete;
  void Lock() {}
  void Unlock() {}
  void lock() { Lock(); }
  void unlock() { Unlock(); }
};

class MutexLock {
public:
  explicit MutexLock(Mutex *mu) : mu_(mu) { mu_->Lock(); }
  MutexLock(const MutexLock &) = delete;
  MutexLock &operator=(const MutexLock &) = delete;
  ~MutexLock() { mu_->Unlock(); }

private:
  Mutex *mu_;
};

class Duration {};

class CondVar {
public:
  void Wait(Mutex *mu) { (void)mu; }
  bool WaitWithTimeout(Mutex *mu, Duration timeout) {
    (void)mu;
    (void)timeout;
    return false;
  }
  void Signal() {}
  void SignalAll() {}
};

} // namespace absl
