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
/* Did @filter name @name itself (not only through "all")? */
bool name_filter_names(const char *filter, const char *name);
/*
 * Call @unknown for every name in @filter ("-name" counted as name) that @known does not
 * recognise ("all" and "none" always are); returns how many there were. A typo in test= or
 * bench= must not pass as "nothing failed".
 */
unsigned name_filter_unknown(const char *filter, bool (*known)(const char *name, size_t n),
			     void (*unknown)(const char *filter, const char *name, size_t n));

#endif
