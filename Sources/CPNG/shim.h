// libpng; Render uses only its simplified API (png_image), which reports errors by return value.
#include <png.h>
