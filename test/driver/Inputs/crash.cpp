// Crashes clang's front end (a trap in the preprocessor's debug pragma).
#pragma clang __debug crash
void f() {}
