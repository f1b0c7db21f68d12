#include <cstdio>
int main() { std::puts("nook-runtime (skeleton)"); return 0; }
