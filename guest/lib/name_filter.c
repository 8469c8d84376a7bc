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

bool name_filter_names(const char *filter, const char *name)
{
	for (const char *p = filter; *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (name_filter_word_is(p, n, name))
			return true;
		p += n + (end ? 1 : 0);
	}
	return false;
}

unsigned name_filter_unknown(const char *filter, bool (*known)(const char *name, size_t n),
			     void (*unknown)(const char *filter, const char *name, size_t n))
{
	unsigned bad = 0;

	for (const char *p = filter; *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *name = *p == '-' ? p + 1 : p;
		size_t len = *p == '-' ? n - 1 : n;

		if (!name_filter_word_is(p, n, "all") && !name_filter_word_is(p, n, "none") &&
		    !known(name, len)) {
			unknown(filter, name, len);
			bad++;
		}
		p += n + (end ? 1 : 0);
	}
	return bad;
}
