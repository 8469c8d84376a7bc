/*
 * The CPUs the firmware describes: ACPI's MADT (the RSDP in the EBDA's first KiB or the BIOS
 * area, the RSDT or XSDT, the "APIC" table's enabled local APIC and x2APIC entries), else
 * the MP table (MP spec 1.4: "_MP_" floating pointer, "PCMP" table, enabled processor
 * entries). Tables may sit anywhere in RAM, so they are read through mm/firmware_map.h.
 */
#include "guest/firmware_cpus.h"
#include "guest/lib/string.h"
#include "mm/firmware_map.h"

#define BDA_EBDA_SEGMENT 0x40e
#define MADT_LAPIC 0
#define MADT_LAPIC_OVERRIDE 5
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

/* In the EBDA's first KiB (its segment is in the BIOS data area), else in the range given. */
static u32 find_low(u32 start, u32 size, const char *sig, u32 len)
{
	u16 ebda_seg = 0;
	u32 a = 0;

	if (read_phys(&ebda_seg, BDA_EBDA_SEGMENT, 2) && ebda_seg)
		a = find((u32)ebda_seg << 4, 1024, sig, len);
	return a ? a : find(start, size, sig, len);
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

/* Count one enabled processor; keep its ID if there is room and it is not already kept. */
static void add_cpu(struct firmware_cpus *fw, u32 apic_id, u32 boot_apic_id)
{
	if (apic_id == boot_apic_id) {
		fw->boot_listed = true; /* already first, already counted */
		return;
	}
	for (unsigned i = 0; i < fw->nr_ids; i++)
		if (fw->apic_id[i] == apic_id)
			return;
	fw->nr++;
	if (fw->nr_ids < NR_CPUS)
		fw->apic_id[fw->nr_ids++] = apic_id;
}

static u8 table[4096];

/* The MADT's address from the RSDT (4-byte entries) or the XSDT (8-byte entries). */
static u32 find_madt(u32 sdt, u32 entry_size)
{
	u32 len = read_table(table, sdt, 4, 4, sizeof(table));

	for (u32 off = 36; len && off + entry_size <= len; off += entry_size) {
		u64 entry = 0;
		char sig[4];

		memcpy(&entry, table + off, entry_size);
		if (entry < GiB(4) && read_phys(sig, entry, 4) && !memcmp(sig, "APIC", 4))
			return (u32)entry;
	}
	return 0;
}

static bool madt_cpus(struct firmware_cpus *fw, u32 boot_apic_id)
{
	u32 rsdp = find_low(0xe0000, 0x20000, "RSD PTR ", 20), rsdt = 0, madt = 0, len;
	u8 revision = 0;
	u64 xsdt = 0;

	if (!rsdp || !read_phys(&revision, rsdp + 15, 1) || !read_phys(&rsdt, rsdp + 16, 4))
		return false;
	/* ACPI 2.0+ names an XSDT too (its 36-byte RSDP is checksummed again; not needed). */
	if (revision >= 2 && read_phys(&xsdt, rsdp + 24, 8) && xsdt && xsdt < GiB(4))
		madt = find_madt((u32)xsdt, 8);
	if (!madt && rsdt)
		madt = find_madt(rsdt, 4);
	if (!madt || !(len = read_table(table, madt, 4, 4, sizeof(table))))
		return false;
	memcpy(&fw->lapic_phys, table + 36, 4);
	for (u32 off = 44; off + 2 <= len && table[off + 1] >= 2; off += table[off + 1]) {
		u32 flags = 0, id = 0;
		u64 override = 0;

		if (off + table[off + 1] > len)
			break;
		if (table[off] == MADT_LAPIC && table[off + 1] >= 8) {
			id = table[off + 3];
			memcpy(&flags, table + off + 4, 4);
		} else if (table[off] == MADT_X2APIC && table[off + 1] >= 16) {
			memcpy(&id, table + off + 4, 4);
			memcpy(&flags, table + off + 8, 4);
		} else if (table[off] == MADT_LAPIC_OVERRIDE && table[off + 1] >= 12) {
			memcpy(&override, table + off + 4, 8);
			if (override < GiB(4))
				fw->lapic_phys = (u32) override;
		}
		if (flags & MADT_ENABLED)
			add_cpu(fw, id, boot_apic_id);
	}
	fw->source = "ACPI MADT";
	return true;
}

static bool mp_cpus(struct firmware_cpus *fw, u32 boot_apic_id)
{
	/* The MP spec's order: the EBDA's first KiB, the last KiB of base memory, the BIOS. */
	u32 fp = find_low(639 * 1024, 1024, "_MP_", 16), addr, len, entries = 0;

	if (!fp)
		fp = find(0xf0000, 0x10000, "_MP_", 16);
	if (!fp || !read_phys(&addr, fp + 4, 4) || !addr ||
	    !(len = read_table(table, addr, 4, 2, sizeof(table))) || memcmp(table, "PCMP", 4))
		return false;
	memcpy(&fw->lapic_phys, table + 36, 4);
	memcpy(&entries, table + 34, 2);
	for (u32 off = 44; entries-- && off < len;) {
		if (table[off] == MP_PROCESSOR) {
			if (off + MP_PROCESSOR_LEN > len)
				break;
			if (table[off + 3] & MP_CPU_ENABLED)
				add_cpu(fw, table[off + 1], boot_apic_id);
			off += MP_PROCESSOR_LEN;
		} else {
			off += MP_OTHER_LEN;
		}
	}
	fw->source = "MP table";
	return true;
}

static void start(struct firmware_cpus *fw, u32 boot_apic_id)
{
	memset(fw, 0, sizeof(*fw));
	if (boot_apic_id != FIRMWARE_NO_BOOT_ID) {
		fw->apic_id[0] = boot_apic_id;
		fw->nr = fw->nr_ids = 1;
	}
}

/* Processors the table itself lists (fw->nr counts the boot CPU even when it does not). */
static unsigned listed(const struct firmware_cpus *fw, u32 boot_apic_id)
{
	return fw->nr - (boot_apic_id != FIRMWARE_NO_BOOT_ID && !fw->boot_listed);
}

unsigned firmware_cpus_read(struct firmware_cpus *fw, u32 boot_apic_id)
{
	start(fw, boot_apic_id);
	if (madt_cpus(fw, boot_apic_id) && listed(fw, boot_apic_id))
		return fw->nr;
	/* No MADT, or one without an enabled processor: the MP table's. */
	start(fw, boot_apic_id);
	if (mp_cpus(fw, boot_apic_id) && listed(fw, boot_apic_id))
		return fw->nr;
	memset(fw, 0, sizeof(*fw));
	return 0;
}

unsigned firmware_cpus(void)
{
	struct firmware_cpus fw;

	return firmware_cpus_read(&fw, FIRMWARE_NO_BOOT_ID);
}
