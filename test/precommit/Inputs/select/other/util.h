#pragma once
// other/util.h: same name, another directory
int util_from_other();
