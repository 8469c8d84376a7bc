#ifndef GUEST_STRING_H
#define GUEST_STRING_H

#include "guest/lib/types.h"

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
size_t strlcpy(char *dst, const char *src, size_t size);

/* A whole 4 KiB page, 1024 string steps: the least a 32-bit CPU can do (Linux's names). */
static inline void clear_page(void *page)
{
	u32 words = 4096 / 4;

	__asm__ volatile("rep stosl" : "+D"(page), "+c"(words) : "a"(0) : "memory");
}

static inline void copy_page(void *to, const void *from)
{
	u32 words = 4096 / 4;

	__asm__ volatile("rep movsl" : "+D"(to), "+S"(from), "+c"(words) : : "memory");
}

#endif
