/* Names of the memory types (pv/pat.h), as Linux's boot line prints them, and IA32_PAT's. */
#include "pv/pat.h"
#include "guest/lib/format.h"

const char *const cachemode_names[PCM_NR] = {
    [PCM_WB] = "WB", [PCM_WT] = "WT", [PCM_UC_MINUS] = "UC-",
    [PCM_UC] = "UC", [PCM_WC] = "WC", [PCM_WP] = "WP",
};

enum page_cache_mode pat_type_cachemode(u64 type)
{
	switch (type) {
	case PAT_TYPE_WB:
		return PCM_WB;
	case PAT_TYPE_WT:
		return PCM_WT;
	case PAT_TYPE_UC_MINUS:
		return PCM_UC_MINUS;
	case PAT_TYPE_UC:
		return PCM_UC;
	case PAT_TYPE_WC:
		return PCM_WC;
	case PAT_TYPE_WP:
		return PCM_WP;
	}
	return PCM_NR;
}

void pat_describe(u64 pat, char *buf, size_t size)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < 8 && at < size; i++) {
		u64 type = (pat >> (8 * i)) & 0xff;
		enum page_cache_mode mode = pat_type_cachemode(type);
		int n =
		    mode < PCM_NR
			? snprintf(buf + at, size - at, "%s%s", i ? " " : "", cachemode_names[mode])
			: snprintf(buf + at, size - at, "%s0x%llx?", i ? " " : "", type);

		at += n > 0 ? (size_t)n : 0;
	}
}
