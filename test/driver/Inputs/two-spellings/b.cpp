#include "leak.h"
void b() { start_in_header(); }
