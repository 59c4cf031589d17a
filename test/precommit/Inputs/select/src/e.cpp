// Includes extra.h only when compiled with -DWITH_EXTRA (d.cpp is, e.cpp is not).
#ifdef WITH_EXTRA
#include "extra.h"
#endif
int d() { return 0; }
