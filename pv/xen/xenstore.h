#ifndef PV_XEN_XENSTORE_H
#define PV_XEN_XENSTORE_H

#include "guest/lib/types.h"

/* Write @value at @path (relative: under /local/domain/<us>/). Panics on xenstore's error. */
void xenstore_write(const char *path, const char *value);

/*
 * Read @path (relative, as above) into @buf, NUL-terminated and cut to @size - 1 bytes.
 * Returns false if there is no such node; panics on any other error from xenstore.
 */
bool xenstore_read(const char *path, char *buf, u32 size);

#endif
