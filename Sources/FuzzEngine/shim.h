// libFuzzer's entry point for programs that own `main` (compiler-rt FuzzerInterface.h).
// Linked from the fuzzer runtime that `-sanitize=fuzzer` adds; nothing else links it.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*UserCb)(const uint8_t *Data, size_t Size));
