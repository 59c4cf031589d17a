// Not in the compilation database.
#include "shared.h"
int orphan() { return shared(); }
