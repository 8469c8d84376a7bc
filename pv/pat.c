/* Names of the memory types (pv/pat.h), as Linux's boot line prints them. */
#include "pv/pat.h"

const char *const cachemode_names[PCM_NR] = {
    [PCM_WB] = "WB", [PCM_WT] = "WT", [PCM_UC_MINUS] = "UC-",
    [PCM_UC] = "UC", [PCM_WC] = "WC", [PCM_WP] = "WP",
};
