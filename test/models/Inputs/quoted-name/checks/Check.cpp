bool isTimer(const char *N) { return strstr(N, "timer"); } // a fragment
