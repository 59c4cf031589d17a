#pragma once
// Included by no translation unit.
int lonely();
