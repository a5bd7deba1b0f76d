// CBLAS from OpenBLAS, plus OpenBLAS's own controls (thread count, chosen kernel).
#include <cblas.h>
