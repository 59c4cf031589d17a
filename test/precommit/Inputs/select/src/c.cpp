// Compiled with -Iother first: "util.h" is other/util.h.
#include "util.h"
int c() { return util_from_other(); }
