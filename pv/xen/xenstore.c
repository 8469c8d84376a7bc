/*
 * A minimal xenstore client over the shared ring (xen/io/xs_wire.h): one request at a time,
 * waiting for its reply. Enough to publish values under the domain's own data/ directory and
 * to read what the toolstack wrote there (cpu/N/availability).
 */
#include "pv/xen/hypercall.h"
#include "pv/xen/xenstore.h"
#include "guest/kernel_base.h"
#include "guest/panic.h"
#include "guest/lib/string.h"
/* xs_wire.h builds an errno table when EINVAL is defined, which needs all of libc's errnos. */
#pragma push_macro("EINVAL")
#undef EINVAL
#include <xen/io/xs_wire.h>
#pragma pop_macro("EINVAL")

static struct xenstore_domain_interface *ring;
static u32 next_req_id = 1;

static void ring_init(void)
{
	if (!ring)
		ring = (void *)(uintptr_t)(PAGE_OFFSET + (xen_mfn_to_pfn(xen_start_info.store_mfn)
							  << PAGE_SHIFT));
}

/* Copy @len bytes into the request ring, waiting while xenstored makes room. */
static void ring_put(const void *data, u32 len)
{
	const char *p = data;

	while (len) {
		XENSTORE_RING_IDX prod = ring->req_prod;

		if (prod - ring->req_cons >= XENSTORE_RING_SIZE) {
			xen_evtchn_send(xen_start_info.store_evtchn);
			xen_sched_yield();
			continue;
		}
		ring->req[MASK_XENSTORE_IDX(prod)] = *p++;
		__atomic_store_n(&ring->req_prod, prod + 1, __ATOMIC_RELEASE);
		len--;
	}
}

/* Copy @len bytes out of the reply ring, waiting for them. */
static void ring_get(void *data, u32 len)
{
	char *p = data;

	while (len) {
		XENSTORE_RING_IDX cons = ring->rsp_cons;

		if (__atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE) == cons) {
			xen_sched_yield();
			continue;
		}
		*p++ = ring->rsp[MASK_XENSTORE_IDX(cons)];
		__atomic_store_n(&ring->rsp_cons, cons + 1, __ATOMIC_RELEASE);
		len--;
	}
	xen_evtchn_send(xen_start_info.store_evtchn); /* room freed in the reply ring */
}

/* Copy @len reply bytes into @buf up to @size - 1 of them (then NUL), dropping the rest. */
static void reply_get(char *buf, u32 size, u32 len)
{
	u32 kept = len < size - 1 ? len : size - 1;
	char drop;

	ring_get(buf, kept);
	buf[kept] = 0;
	for (u32 i = kept; i < len; i++)
		ring_get(&drop, 1);
}

/*
 * Send request @type with the payload @path (with its NUL) then @vlen bytes of @value, and
 * read the reply into @reply (cut to @size - 1 bytes). Returns the reply's type.
 */
static u32 request(u32 type, const char *path, const char *value, u32 vlen, char *reply, u32 size)
{
	struct xsd_sockmsg msg = {.type = type, .req_id = next_req_id++, .tx_id = 0};
	u32 plen = strlen(path) + 1;

	ring_init();
	msg.len = plen + vlen;
	if (msg.len > XENSTORE_PAYLOAD_MAX)
		panic("xenstore: request %u on %s: %u bytes is over the %u-byte limit", type, path,
		      msg.len, XENSTORE_PAYLOAD_MAX);
	ring_put(&msg, sizeof(msg));
	ring_put(path, plen);
	ring_put(value, vlen);
	xen_evtchn_send(xen_start_info.store_evtchn);
	/* Replies come in order; no watches are set, so the next one is ours. */
	ring_get(&msg, sizeof(msg));
	reply_get(reply, size, msg.len);
	return msg.type;
}

void xenstore_write(const char *path, const char *value)
{
	char reply[64];
	u32 type = request(XS_WRITE, path, value, strlen(value), reply, sizeof(reply));

	if (type == XS_ERROR)
		panic("xenstore: write %s=%s failed: %s", path, value, reply);
	if (type != XS_WRITE)
		panic("xenstore: write %s=%s: unexpected reply type %u", path, value, type);
}

bool xenstore_read(const char *path, char *buf, u32 size)
{
	u32 type = request(XS_READ, path, "", 0, buf, size);

	if (type == XS_ERROR && !strcmp(buf, "ENOENT"))
		return false;
	if (type == XS_ERROR)
		panic("xenstore: read %s failed: %s", path, buf);
	if (type != XS_READ)
		panic("xenstore: read %s: unexpected reply type %u", path, type);
	return true;
}
