/*
 * The CPUs the firmware describes: ACPI's MADT (RSDP in the BIOS area, the RSDT, the "APIC"
 * table's enabled local APIC entries), else the MP table (MP spec 1.4: "_MP_" floating
 * pointer, "PCMP" table, enabled processor entries). Tables may sit anywhere in RAM, so
 * they are read through mm/firmware_map.h. Counting only: SMP bring-up will use them.
 */
#include "guest/firmware_cpus.h"
#include "guest/lib/string.h"
#include "mm/firmware_map.h"

#define MADT_LAPIC 0
#define MADT_X2APIC 9
#define MADT_ENABLED 1
#define MP_PROCESSOR 0
#define MP_PROCESSOR_LEN 20
#define MP_OTHER_LEN 8
#define MP_CPU_ENABLED 1

static bool checksum_ok(const u8 *p, u32 len)
{
	u8 sum = 0;

	while (len--)
		sum += *p++;
	return sum == 0;
}

/* The 16-byte-aligned structure starting with @sig (checksummed over @len) in a range. */
static u32 find(u32 start, u32 size, const char *sig, u32 len)
{
	u8 buf[36];

	for (u32 a = start & ~15u; a + len <= start + size; a += 16)
		if (read_phys(buf, a, len) && !memcmp(buf, sig, strlen(sig)) &&
		    checksum_ok(buf, len))
			return a;
	return 0;
}

/* A whole ACPI or MP table into @buf (at most @max bytes), checked; returns its length. */
static u32 read_table(u8 *buf, u32 addr, u32 len_off, u32 len_size, u32 max)
{
	u32 len = 0;

	if (!read_phys(buf, addr, 8))
		return 0;
	memcpy(&len, buf + len_off, len_size);
	if (len < 8 || len > max || !read_phys(buf, addr, len) || !checksum_ok(buf, len))
		return 0;
	return len;
}

static u8 table[4096];

static unsigned madt_cpus(void)
{
	u32 rsdp = find(0xe0000, 0x20000, "RSD PTR ", 20), rsdt, len, n;

	if (!rsdp || !read_phys(&rsdt, rsdp + 16, 4) ||
	    !(len = read_table(table, rsdt, 4, 4, 1024)))
		return 0;

	n = (len - 36) / 4;
	for (u32 i = 0; i < n; i++) {
		u32 entry, madt, cpus = 0;

		memcpy(&entry, table + 36 + 4 * i, 4);
		if (!read_phys(table, entry, 4) || memcmp(table, "APIC", 4))
			continue;
		/* The RSDT is overwritten from here: this was the table wanted. */
		madt = entry;
		if (!(len = read_table(table, madt, 4, 4, sizeof(table))))
			return 0;
		for (u32 off = 44; off + 2 <= len && table[off + 1] >= 2; off += table[off + 1]) {
			u32 flags = 0;

			if (table[off] == MADT_LAPIC && table[off + 1] >= 8)
				memcpy(&flags, table + off + 4, 4);
			else if (table[off] == MADT_X2APIC && table[off + 1] >= 12)
				memcpy(&flags, table + off + 8, 4);
			cpus += flags & MADT_ENABLED;
		}
		return cpus;
	}
	return 0;
}

static unsigned mp_cpus(void)
{
	u16 ebda_seg = 0;
	u32 fp = 0, addr, len, entries = 0, cpus = 0;

	if (read_phys(&ebda_seg, 0x40e, 2) && ebda_seg)
		fp = find((u32)ebda_seg << 4, 1024, "_MP_", 16);
	if (!fp)
		fp = find(639 * 1024, 1024, "_MP_", 16);
	if (!fp)
		fp = find(0xf0000, 0x10000, "_MP_", 16);
	if (!fp || !read_phys(&addr, fp + 4, 4) || !addr ||
	    !(len = read_table(table, addr, 4, 2, sizeof(table))) || memcmp(table, "PCMP", 4))
		return 0;
	memcpy(&entries, table + 34, 2);
	for (u32 off = 44; entries-- && off < len;) {
		if (table[off] == MP_PROCESSOR) {
			cpus += (table[off + 3] & MP_CPU_ENABLED) != 0;
			off += MP_PROCESSOR_LEN;
		} else {
			off += MP_OTHER_LEN;
		}
	}
	return cpus;
}

unsigned firmware_cpus(void)
{
	unsigned n = madt_cpus();

	return n ? n : mp_cpus();
}
