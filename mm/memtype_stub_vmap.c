#include "mm/memtype.h"

int memtype_check_map(pfn_t pfn, u32 n, enum page_cache_mode mode, const char *who)
{
	(void)pfn, (void)n, (void)mode, (void)who;
	return 0;
}
