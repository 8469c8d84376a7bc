/* printf-style formatting into a buffer: %d %u %x %X %llx %s %c %p %zu, width and zero fill. */
#include "guest/lib/format.h"
#include "guest/lib/string.h"

struct outbuf {
	char *buf;
	size_t size, len;
};

static void put(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct outbuf *o, u64 v, unsigned base, bool upper, bool neg, int width,
		    bool zero, bool left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, pad;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	pad = width - n - (neg ? 1 : 0);
	if (!left && !zero)
		for (; pad > 0; pad--)
			put(o, ' ');
	if (neg)
		put(o, '-');
	if (!left && zero)
		for (; pad > 0; pad--)
			put(o, '0');
	while (n)
		put(o, tmp[--n]);
	for (; left && pad > 0; pad--)
		put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = {buf, size, 0};

	for (; *fmt; fmt++) {
		bool zero = false, left = false, upper = false;
		int width = 0, lng = 0, prec = -1;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '0')
				zero = true;
			else if (*fmt == '-')
				left = true;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng += *fmt == 'l' ? 1 : (sizeof(size_t) > 4 ? 2 : 0);
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 v = lng >= 2 ? va_arg(ap, long long)
				: lng	 ? va_arg(ap, long)
					 : va_arg(ap, int);
			put_num(&o, v < 0 ? -(u64)v : (u64)v, 10, false, v < 0, width, zero, left);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			u64 v = lng >= 2 ? va_arg(ap, unsigned long long)
				: lng	 ? va_arg(ap, unsigned long)
					 : va_arg(ap, unsigned int);
			upper = *fmt == 'X';
			put_num(&o, v, *fmt == 'u' ? 10 : 16, upper, false, width, zero, left);
			break;
		}
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (uintptr_t)va_arg(ap, void *), 16, false, false,
				(int)sizeof(void *) * 2, true, false);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len;

			if (!s)
				s = "(null)";
			len = (int)strlen(s);
			if (prec >= 0 && len > prec)
				len = prec;
			for (int pad = width - len; !left && pad > 0; pad--)
				put(&o, ' ');
			for (int i = 0; i < len; i++)
				put(&o, s[i]);
			for (int pad = width - len; left && pad > 0; pad--)
				put(&o, ' ');
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			if (*fmt)
				put(&o, *fmt);
			else
				fmt--;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
