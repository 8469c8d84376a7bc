#include "guest/lib/name_filter.h"
#include "guest/lib/string.h"

bool name_filter_word_is(const char *word, size_t n, const char *name)
{
	return n == strlen(name) && !strncmp(word, name, n);
}

bool name_filter_selects(const char *filter, const char *name)
{
	bool chosen = false;

	for (const char *p = filter; *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (name_filter_word_is(p, n, "all") || name_filter_word_is(p, n, name))
			chosen = true;
		else if (*p == '-' && name_filter_word_is(p + 1, n - 1, name))
			return false;
		p += n + (end ? 1 : 0);
	}
	return chosen;
}
