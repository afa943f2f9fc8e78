#include <cblas.h>
// OpenBLAS extensions used to fix the thread count for deterministic replay.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
