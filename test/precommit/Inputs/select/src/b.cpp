#include "wrapper.h"
int b() { return wrapped(); }
