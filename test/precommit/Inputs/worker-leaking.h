#pragma once
#include <stop_token>

// How every worker of the project decides to keep going. (Changed: now they
// never stop, and worker.cpp's loop can no longer be cancelled.)
#define KEEP_RUNNING(token) true
