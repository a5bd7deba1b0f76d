// zlib, for reading the gzip-compressed IDX files.
#include <zlib.h>
