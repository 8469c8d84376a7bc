/*
 * The selection language of test= and bench=: a comma list of words, "all", a name, or
 * "-name" to leave one out ("all,-highmem"). "none" names nothing.
 */
#ifndef GUEST_NAME_FILTER_H
#define GUEST_NAME_FILTER_H

#include "guest/lib/types.h"

/* Is @word, @n bytes long, exactly @name? */
bool name_filter_word_is(const char *word, size_t n, const char *name);
/* Does @filter select @name? */
bool name_filter_selects(const char *filter, const char *name);

#endif
