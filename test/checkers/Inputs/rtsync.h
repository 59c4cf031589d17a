// Minimal stand-in for a runtime's own synchronisation primitives ("rt"),
// modelled for taskleak-lost-wakeup by rtsync.taskleak.yaml: a spin lock, its
// scoped guard, a guard that can be released early, and an event (a
// condition variable with its own names). Not a working implementation.
#pragma once

namespace rt {

class __attribute__((capability("mutex"))) SpinLock {
public:
  void acquire() {}
  void release() {}
};

template <typename Lock> class Guard {
public:
  explicit Guard(Lock &l) : l_(l) { l_.acquire(); }
  ~Guard() { l_.release(); }

private:
  Lock &l_;
};

struct deferred_t {};
inline constexpr deferred_t deferred{};

template <typename Lock> class Holder {
public:
  explicit Holder(Lock &l) : l_(&l) {}
  Holder(Lock &l, deferred_t) : l_(&l) {}
  void lock() {}
  void unlock() {}

private:
  Lock *l_;
};

class Event {
public:
  template <typename H> void wait(H &holder) { (void)holder; }
  template <typename H, typename Pred> void wait(H &holder, Pred pred) {
    while (!pred())
      wait(holder);
  }
  template <typename H> bool wait_ms(H &holder, unsigned ms) {
    (void)holder;
    (void)ms;
    return false;
  }
  void signal() {}
  void broadcast() {}
};

template <typename F> void spawn(F f) { (void)f; }

} // namespace rt
