// A comment may name "std::thread".
bool isThread(const char *N) { return N == std::string_view("std::thread"); }
