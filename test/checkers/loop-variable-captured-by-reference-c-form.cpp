// RUN: %check_taskleak -model=%S/Inputs/golike.taskleak.yaml %s taskleak-loop-variable-captured-by-reference %t

// The C form (issue 9): a variable declared before the loop but written in
// every iteration -- a C-style index `for (i = 0; ...)`, `sock = accept(...)`
// in an endless accept loop, an argument struct refilled each round --
// passed by reference or by address to a task started in that iteration is
// shared by all the tasks and overwritten under them. golike::go comes from
// a YAML model.

#include <functional>
#include <golike.h>
#include <pthread.h>
#include <thread>
#include <vector>

#include <boost/thread.hpp>

void handle(int value);
int accept_client();
int next_job();
bool more();
void *serve_main(void *arg);

struct Args {
  int fd;
  int id;
};

// ===========================================================================
// Positive cases
// ===========================================================================

// A C-style index captured by reference.
void c_index(std::vector<std::thread> &pool, int n) {
  int i;
  for (i = 0; i < n; i++)
    pool.emplace_back([&] { handle(i); });
  // CHECK-MESSAGES: :[[@LINE-1]]:36: warning: task spawned by 'std::thread' captures loop variable 'i' by reference; the variable is shared by all iterations and changes under the task [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
  // CHECK-FIXES: {{^}}    pool.emplace_back([&, i] { handle(i); });
}

// The accept loop: the socket variable is reassigned every round.
void accept_loop_pthread() {
  int sock;
  pthread_t tid;
  for (;;) {
    sock = accept_client();
    pthread_create(&tid, nullptr, serve_main, &sock);
    // CHECK-MESSAGES: :[[@LINE-1]]:47: warning: task spawned by 'pthread_create' receives the address of variable 'sock'; the variable is shared by all iterations and each one writes it under the task [taskleak-loop-variable-captured-by-reference]
    // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
    pthread_detach(tid);
  }
}

// The same with std::thread and a lambda.
void accept_loop_thread() {
  int sock = -1;
  while (true) {
    sock = accept_client();
    std::thread([&sock] { handle(sock); }).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: task spawned by 'std::thread' captures variable 'sock' by reference; the variable is shared by all iterations and each one writes it under the task [taskleak-loop-variable-captured-by-reference]
    // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
    // CHECK-FIXES: {{^}}    std::thread([sock] { handle(sock); }).detach();
  }
}

// Hard case: written in the loop condition.
void accept_in_condition() {
  int fd;
  while ((fd = accept_client()) >= 0)
    std::thread([&fd] { handle(fd); }).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: task spawned by 'std::thread' captures variable 'fd' by reference; the variable is shared by all iterations and each one writes it under the task [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
  // CHECK-FIXES: {{^}}    std::thread([fd] { handle(fd); }).detach();
}

// One argument struct refilled per iteration, its address passed.
void refilled_struct(pthread_t *tids) {
  Args args;
  for (int k = 0; k < 8; ++k) {
    args.fd = accept_client();
    args.id = k;
    pthread_create(&tids[k], nullptr, serve_main, &args);
    // CHECK-MESSAGES: :[[@LINE-1]]:51: warning: task spawned by 'pthread_create' receives the address of variable 'args'; the variable is shared by all iterations and each one writes it under the task [taskleak-loop-variable-captured-by-reference]
    // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
  }
  for (int k = 0; k < 8; ++k)
    pthread_join(tids[k], nullptr);
}

// std::ref of a C-style index.
void c_index_std_ref(std::vector<std::thread> &pool) {
  int i;
  for (i = 0; i < 3; ++i)
    pool.emplace_back([](int &v) { handle(v); }, std::ref(i));
  // CHECK-MESSAGES: :[[@LINE-1]]:50: warning: task spawned by 'std::thread' receives loop variable 'i' by reference through 'std::ref'; the variable is shared by all iterations and changes under the task [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
}

// Boost.Thread in a do-while that reads the next job into the same variable.
void boost_jobs(std::vector<boost::thread *> &out) {
  int job;
  do {
    job = next_job();
    out.push_back(new boost::thread([&job] { handle(job); }));
    // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: task spawned by 'boost::thread' captures variable 'job' by reference; the variable is shared by all iterations and each one writes it under the task [taskleak-loop-variable-captured-by-reference]
    // CHECK-MESSAGES: :[[@LINE-2]]:23: note: task spawned here
    // CHECK-FIXES: {{^}}    out.push_back(new boost::thread([job] { handle(job); }));
  } while (more());
}

// A YAML-modelled spawn (golike::go).
void golike_index() {
  int i;
  for (i = 0; i < 10; ++i)
    golike::go([&i] { handle(i); });
  // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: task spawned by 'golike::go' captures loop variable 'i' by reference; the variable is shared by all iterations and changes under the task [taskleak-loop-variable-captured-by-reference]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
  // CHECK-FIXES: {{^}}    golike::go([i] { handle(i); });
}

// A compound assignment every round is a write too.
void accumulated(std::vector<std::thread> &pool) {
  int offset = 0;
  while (more()) {
    offset += 16;
    pool.emplace_back([&offset] { handle(offset); });
    // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: task spawned by 'std::thread' captures variable 'offset' by reference; the variable is shared by all iterations and each one writes it under the task [taskleak-loop-variable-captured-by-reference]
    // CHECK-MESSAGES: :[[@LINE-2]]:5: note: task spawned here
    // CHECK-FIXES: {{^}}    pool.emplace_back([offset] { handle(offset); });
  }
}

// ===========================================================================
// Negative cases
// ===========================================================================

// Written once, before the loop.
void written_once(std::vector<std::thread> &pool) {
  int limit = 4;
  for (int k = 0; k < 4; ++k)
    pool.emplace_back([&limit] { handle(limit); });
  for (auto &t : pool)
    t.join();
}

// Hard negative: the C-style index, but the task is joined in the iteration.
void c_index_joined() {
  int i;
  for (i = 0; i < 4; ++i) {
    std::thread t([&i] { handle(i); });
    t.join();
  }
}

// Hard negative: passed by value.
void accept_by_value() {
  int sock;
  for (;;) {
    sock = accept_client();
    std::thread([sock] { handle(sock); }).detach();
    std::thread(handle, sock).detach();
  }
}

// Hard negative: written only on some iterations (a branch), so not
// "every iteration"; the task may still see a change, but we do not claim it.
void written_in_branch(std::vector<std::thread> &pool) {
  int last = 0;
  for (int k = 0; k < 4; ++k) {
    if (k == 2)
      last = k;
    pool.emplace_back([&last] { handle(last); });
  }
  for (auto &t : pool)
    t.join();
}

// Hard negative: the loop only reads the variable.
void read_only_in_loop(std::vector<std::thread> &pool) {
  int base = accept_client();
  int k;
  for (k = 0; k < 4; ++k)
    pool.emplace_back([&base] { handle(base); });
  for (auto &t : pool)
    t.join();
}

// Hard negative: the `for` init assigns it, but the loop never writes it
// again (one object, one value).
void init_only(std::vector<std::thread> &pool, int n) {
  int v;
  int k = 0;
  for (v = 7; k < n; ++k)
    pool.emplace_back([&v] { handle(v); });
  for (auto &t : pool)
    t.join();
}

// Hard negative: a per-iteration pointer, passed by value (the pointee is
// new each round).
void heap_args(pthread_t *tids) {
  Args *args;
  for (int k = 0; k < 4; ++k) {
    args = new Args{accept_client(), k};
    pthread_create(&tids[k], nullptr, serve_main, args);
  }
}

// Hard negative: pthread_join within the iteration.
void pthread_joined_each_round() {
  int i;
  pthread_t tid;
  for (i = 0; i < 4; ++i) {
    pthread_create(&tid, nullptr, serve_main, &i);
    pthread_join(tid, nullptr);
  }
}

// Hard negative: a write through a pointer member is another object.
struct Node {
  Node *next;
  int value;
};
void through_pointer(Node *head, std::vector<std::thread> &pool) {
  Node cur = *head;
  for (int k = 0; k < 3; ++k) {
    cur.next->value = k;
    pool.emplace_back([&cur] { handle(cur.value); });
  }
  for (auto &t : pool)
    t.join();
}

// YAML spawn with the wait group waited in the iteration.
void golike_waited() {
  int i;
  for (i = 0; i < 3; ++i) {
    golike::WaitGroup wg;
    wg.Add(1);
    golike::go([&i, &wg] {
      handle(i);
      wg.Done();
    });
    wg.Wait();
  }
}
