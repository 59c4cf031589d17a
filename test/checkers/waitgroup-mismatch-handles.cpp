// RUN: %check_taskleak -model=%S/Inputs/golike.taskleak.yaml %s taskleak-waitgroup-mismatch %t

// Wait groups and latches behind a shared or unique handle (issue 10 §1):
// `auto done = std::make_shared<std::latch>(n)`, copies of the handle
// captured by the tasks. The count is the factory's argument.

#include <golike.h>
#include <latch>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

bool failed();
void work();
void keep(std::shared_ptr<std::latch> l);

// ===========================================================================
// Positive cases
// ===========================================================================

// Created with 3, counted down by two tasks.
void shared_latch_short() {
  auto done = std::make_shared<std::latch>(3);
  // CHECK-FIXES: auto done = std::make_shared<std::latch>(2);
  // CHECK-MESSAGES: :[[@LINE-2]]:8: warning: wait group 'done' is created with a count of 3 but is counted down 2 times, so 'wait' blocks forever [taskleak-waitgroup-mismatch]
  std::thread([done] { work(); done->count_down(); }).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: task counting it down started here
  std::thread([done] { work(); done->count_down(); }).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: task counting it down started here
  done->wait();
}

// A task that skips its count-down on the error path.
void shared_latch_skipped() {
  auto done = std::make_shared<std::latch>(1);
  std::thread([done] {
    if (failed())
      return;
    done->count_down();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'count_down' on wait group 'done' is not reached on every path through the task, so 'wait' can block forever; call it from a scope guard [taskleak-waitgroup-mismatch]
    // CHECK-MESSAGES: :[[@LINE-3]]:7: note: this path leaves the task without calling 'count_down'
  }).detach();
  done->wait();
}

// golike::WaitGroup (YAML) through make_shared: Add inside the task.
void yaml_shared_add_in_task() {
  auto wg = std::make_shared<golike::WaitGroup>();
  // CHECK-FIXES: {{^}}  wg->Add(1);{{$}}
  // CHECK-FIXES-NEXT: golike::go([wg] {
  golike::go([wg] {
    wg->Add(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'Add' on wait group 'wg' is called inside the task it counts, so it races with 'Wait'; call it before starting the task [taskleak-waitgroup-mismatch]
    wg->Done();
  });
  wg->Wait();
}

// A latch through a unique_ptr, one task per element, one count too many.
void unique_latch_symbolic(const std::vector<int> &items) {
  auto done = std::make_unique<std::latch>(items.size() + 1);
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: wait group 'done' is created with a count of items.size() + 1 but is counted down items.size() times, so 'wait' blocks forever [taskleak-waitgroup-mismatch]
  for (int x : items)
    std::thread([&done, x] { (void)x; done->count_down(); }).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: note: task counting it down started here
  done->wait();
}

// ===========================================================================
// Negative cases
// ===========================================================================

// OK: 2 and two count-downs.
void shared_latch_exact() {
  auto done = std::make_shared<std::latch>(2);
  std::thread([done] { done->count_down(); }).detach();
  std::thread([done] { done->count_down(); }).detach();
  done->wait();
}

// OK: one count-down per element.
void unique_latch_per_element(const std::vector<int> &items) {
  auto done = std::make_unique<std::latch>(items.size());
  for (int x : items)
    std::thread([&done, x] { (void)x; done->count_down(); }).detach();
  done->wait();
}

// OK: the handle goes to a function we cannot see.
void shared_latch_escapes() {
  auto done = std::make_shared<std::latch>(3);
  keep(done);
  std::thread([done] { done->count_down(); }).detach();
  done->wait();
}

// OK: YAML wait group through make_shared, Add before the task.
void yaml_shared_add_before() {
  auto wg = std::make_shared<golike::WaitGroup>();
  wg->Add(1);
  golike::go([wg] { wg->Done(); });
  wg->Wait();
}

// An init-capture copy of the handle: the Add is reported, but moving it
// before the spawn would name 'c' where it does not exist: no fix-it.
void yaml_init_capture_add_in_task() {
  auto wg = std::make_shared<golike::WaitGroup>();
  golike::go([c = wg] {
    c->Add(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'Add' on wait group 'wg' is called inside the task it counts, so it races with 'Wait'; call it before starting the task [taskleak-waitgroup-mismatch]
    // CHECK-FIXES: {{^}}    c->Add(1);{{$}}
    c->Done();
  });
  wg->Wait();
}
