#pragma once
#include "shared.h"
int wrapped();
