#pragma once
// include/util.h
int util_from_include();
