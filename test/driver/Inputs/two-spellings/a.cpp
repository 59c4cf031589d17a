#include "leak.h"
void a() { start_in_header(); }
