#include "leak.h"
void c() { start_in_header(); }
