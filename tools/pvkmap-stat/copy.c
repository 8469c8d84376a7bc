/*
 * Copying a live counters page, mapped from a running guest that keeps writing it, with the
 * reader's protocol of pv/counters_page.h: a seqlock per part (the header and names, then
 * each online CPU's block), each part retried on its own. The page locates its blocks
 * itself, so its header is checked (page.c) before any block is read.
 */
#include <endian.h>
#include <stddef.h>
#include <string.h>

#include "pv/counters_page.h"
#include "tools/pvkmap-stat/page.h"
#include "tools/pvkmap-stat/parse.h"

/*
 * One try of one part: @len bytes at @off, under the seq at @seq_off. True if the seq was
 * even and the same before and after the copy, so no write overlapped it; @seq is the seq.
 */
static bool copy_part(const uint8_t *live, uint8_t *copy, size_t seq_off, size_t off, size_t len,
		      uint32_t *seq)
{
	const uint32_t *seqp = (const uint32_t *)(live + seq_off);
	uint32_t before, after;

	before = le32toh(__atomic_load_n(seqp, __ATOMIC_ACQUIRE));
	memcpy(copy + off, live + off, len);
	/* The copy's reads before the second read of seq. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	after = le32toh(__atomic_load_n(seqp, __ATOMIC_RELAXED));
	*seq = after;
	return before == after && !(before & 1);
}

/* Copy one part until it is whole or @tries copies were torn; 0 or PVKMAP_ERR_BUSY. */
static int copy_whole(const uint8_t *live, uint8_t *copy, size_t seq_off, size_t off, size_t len,
		      unsigned int tries, void (*wait)(void *arg, unsigned int n), void *arg,
		      uint32_t *seq)
{
	for (unsigned int n = 0; n < tries; n++) {
		if (n && wait)
			wait(arg, n);
		if (copy_part(live, copy, seq_off, off, len, seq))
			return 0;
	}
	return PVKMAP_ERR_BUSY;
}

int pvkmap_page_copy(const void *live, uint8_t *copy, unsigned int tries,
		     void (*wait)(void *arg, unsigned int n), void *arg, char *err, size_t errlen)
{
	const size_t online_off = offsetof(struct pvkmap_counters_header, online);
	const uint8_t *p = live;
	struct page_layout l;
	uint32_t online, seq;
	int rc;

	if (!tries)
		tries = 1;
	/* The header and names; the blocks come along, to be copied again one by one. */
	if (copy_whole(p, copy, offsetof(struct pvkmap_counters_header, seq), 0,
		       PVKMAP_COUNTERS_SIZE, tries, wait, arg, &seq))
		return fail(PVKMAP_ERR_BUSY, err, errlen,
			    "the header was torn in all %u copies (seq %u: the guest is stuck "
			    "writing it?)",
			    tries, seq);
	/* online changes outside the header's seq: read it once, whole, and use that. */
	online = __atomic_load_n((const uint32_t *)(p + online_off), __ATOMIC_ACQUIRE);
	memcpy(copy + online_off, &online, sizeof(online));
	rc = pvkmap_page_layout(copy, PVKMAP_COUNTERS_SIZE, &l, err, errlen);
	if (rc)
		return rc;

	for (uint32_t c = 0; c < l.nr_cpus; c++) {
		size_t off = l.cpus_offset + (size_t)c * l.cpu_stride;

		if (!(l.online & 1u << c))
			continue;
		if (copy_whole(p, copy, off + offsetof(struct pvkmap_counters_block, seq), off,
			       l.cpu_stride, tries, wait, arg, &seq))
			return fail(PVKMAP_ERR_BUSY, err, errlen,
				    "cpu %u's block was torn in all %u copies (seq %u: its vCPU "
				    "paused mid-update?)",
				    c, tries, seq);
	}
	return 0;
}
