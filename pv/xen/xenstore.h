#ifndef PV_XEN_XENSTORE_H
#define PV_XEN_XENSTORE_H

/* Write @value at @path (relative: under /local/domain/<us>/). Panics on xenstore's error. */
void xenstore_write(const char *path, const char *value);

#endif
