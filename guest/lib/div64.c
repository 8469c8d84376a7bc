/*
 * 64-bit division for the 32-bit kernel. gcc emits calls to __udivdi3/__umoddi3 for u64 '/'
 * and '%', normally from libgcc, which has no 32-bit build on the machines we build on.
 * Shift-and-subtract: slow but only used for printing and reports.
 */
#include "guest/lib/types.h"

static u64 udivmod64(u64 n, u64 d, u64 *rem)
{
	u64 q = 0;
	int shift = 0;

	if (d == 0) {
		*rem = 0;
		return ~0ull;
	}
	while ((d << shift) <= n && !((d << shift) & (1ull << 63)))
		shift++;
	for (; shift >= 0; shift--) {
		if ((d << shift) <= n) {
			n -= d << shift;
			q |= 1ull << shift;
		}
	}
	*rem = n;
	return q;
}

u64 __udivdi3(u64 n, u64 d);
u64 __umoddi3(u64 n, u64 d);

u64 __udivdi3(u64 n, u64 d)
{
	u64 r;

	return udivmod64(n, d, &r);
}

u64 __umoddi3(u64 n, u64 d)
{
	u64 r;

	udivmod64(n, d, &r);
	return r;
}

u64 __udivmoddi4(u64 n, u64 d, u64 *rem);

u64 __udivmoddi4(u64 n, u64 d, u64 *rem)
{
	u64 r, q = udivmod64(n, d, &r);

	if (rem)
		*rem = r;
	return q;
}
