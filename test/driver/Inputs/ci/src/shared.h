// Included by a.cpp and b.cpp, not by the others: changing it must re-analyse
// exactly those two (cache.test).
#pragma once

void poll();
