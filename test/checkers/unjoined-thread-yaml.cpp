// RUN: %check_taskleak -model=%S/Inputs/rtthread.taskleak.yaml %s taskleak-unjoined-thread %t

// A thread class described only by a YAML model: rt::Thread terminates when
// destroyed joinable, wait() joins it, release() detaches it, running() asks
// whether it is joinable. The names come from the model, not from std.

#include <stdexcept>
#include <rtthread.h>

void work();
bool failed();

void wait_after_throw() {
  rt::Thread t(work);
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: thread 't' may still be joinable when it goes out of scope; its destructor then calls std::terminate [taskleak-unjoined-thread]
  if (failed())
    throw std::runtime_error("failed");
  // CHECK-MESSAGES: :[[@LINE-1]]:5: note: 't' is still joinable when the exception thrown here leaves its scope
  t.wait();
}

class Worker {
public:
  Worker() : t_(work) {}
  void stop() { t_.wait(); }

private:
  rt::Thread t_;
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: thread member 't_' may still be joinable when 'Worker' is destroyed; its destructor then calls std::terminate [taskleak-unjoined-thread]
  // CHECK-MESSAGES: :[[@LINE-5]]:17: note: 't_' is joined only in 'stop', which the destructor does not call
};

// Negative: waited for on every path.
void waited() {
  rt::Thread t(work);
  if (failed()) {
    t.wait();
    return;
  }
  t.wait();
}

// Negative: released (detached) before the throw.
void released() {
  rt::Thread t(work);
  t.release();
  if (failed())
    throw std::runtime_error("failed");
}

// Negative: the destructor waits when running().
class Guarded {
public:
  Guarded() : t_(work) {}
  ~Guarded() {
    if (t_.running())
      t_.wait();
  }

private:
  rt::Thread t_;
};
