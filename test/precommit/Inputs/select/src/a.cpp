#include "shared.h"
#include "util.h"
int a() { return shared() + util_from_include(); }
