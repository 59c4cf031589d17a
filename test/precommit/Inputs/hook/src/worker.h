#pragma once
#include <stop_token>

// How every worker of the project decides to keep going.
#define KEEP_RUNNING(token) (!(token).stop_requested())
