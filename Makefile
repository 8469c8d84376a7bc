# pvkmap: `make` builds build/pvkmap.elf, `make test` runs every test, `make run` the main job.

BUILD := build
KERNEL := $(BUILD)/pvkmap.elf

# Xen's public headers (libxen-dev), at the newest interface version they describe.
XEN_ABI := -D__XEN_INTERFACE_VERSION__=__XEN_LATEST_INTERFACE_VERSION__
CC := gcc
LD := ld
KCFLAGS := -m32 -march=i686 -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -fno-builtin -fno-tree-loop-distribute-patterns \
	-fno-asynchronous-unwind-tables -fomit-frame-pointer -mregparm=3 -mpreferred-stack-boundary=2 -mgeneral-regs-only \
	-Wall -Wextra -Werror -I. $(XEN_ABI)
# COUNTERS=0 compiles the MMU operation counters out (to measure what counting costs).
ifeq ($(COUNTERS),0)
KCFLAGS += -DPVKMAP_NO_COUNTERS
endif
# OP_CYCLES=1 also times every MMU operation with rdtsc (costly next to a native PTE write).
ifeq ($(OP_CYCLES),1)
KCFLAGS += -DPVKMAP_OP_CYCLES
endif
KASFLAGS := -m32 -D__ASSEMBLER__ -D__ASSEMBLY__ -I. $(XEN_ABI)
KLDFLAGS := -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments

KSRC := $(wildcard guest/*.c guest/lib/*.c guest/x86/*.c guest/x86/*.S pv/*.c pv/native/*.c pv/native/*.S pv/xen/*.c pv/xen/*.S mm/*.c)
KOBJ := $(patsubst %,$(BUILD)/k/%.o,$(KSRC))

.PHONY: all test test-native unit run boot run-xen deps clean compare print-kcflags \
	kernel-deps format
all: $(KERNEL)

# Before the first kernel object, once per make run (about 20 ms): what the kernel build
# needs (Xen's headers, a gcc that builds -m32, an ld with elf_i386). A miss stops make with
# one line naming the package; `make deps` installs it. Goals that run deps check after it.
KERNEL_DEPS_GOALS := deps test test-native unit run boot run-xen
kernel_deps_fail = $(if $(1),$(error $(1)))
kernel-deps: | $(if $(filter $(KERNEL_DEPS_GOALS),$(MAKECMDGOALS)),deps)
	@:$(call kernel_deps_fail,$(shell CC='$(CC)' LD='$(LD)' tools/ensure-deps --check 2>&1))

$(KOBJ) $(BUILD)/linker.ld: | kernel-deps

$(BUILD)/k/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/k/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/linker.ld: guest/x86/linker.ld guest/kernel_base.h
	@mkdir -p $(BUILD)
	$(CC) -E -P -x c -I. $< -o $@

$(KERNEL): $(KOBJ) $(BUILD)/linker.ld
	$(LD) $(KLDFLAGS) -T $(BUILD)/linker.ld -o $@ $(KOBJ)
	@tools/check-mmu-rule

-include $(KOBJ:.o=.d)

# tools/pvkmap-stat: the dom0 counter reader, its parser tests and its fuzz target.
include tools/pvkmap-stat/pvkmap-stat.mk

# Host unit tests: mm/ logic compiled for the host against simulated memory maps.
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -DPVKMAP_HOST -Itests/unit/host -I.
UNIT_MM := mm/memmap.c mm/layout.c mm/zone.c mm/buddy.c mm/gfp.c mm/page_address.c mm/pkmap_slots.c mm/kmap_stack.c mm/memtype.c pv/pat.c
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))

$(BUILD)/unit/%: tests/unit/%.c tests/unit/host_stubs.c $(UNIT_MM) $(wildcard tests/unit/*.h tests/unit/host/guest/*.h tests/unit/host/guest/lib/*.h mm/*.h guest/*.h guest/lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $< tests/unit/host_stubs.c $(UNIT_MM) -lcmocka

unit: deps $(UNIT_TESTS)

deps:
	@tools/ensure-deps

# The Xen test host is built (or found in its cache) first, so no single test pays for it.
test: deps $(KERNEL) $(UNIT_TESTS) $(PVKMAP_STAT)
	@tools/xenhost/build-host --quiet
	@tests/run-all

# The quick subset while developing: unit tests and native boots only.
test-native: deps $(KERNEL) $(UNIT_TESTS) $(PVKMAP_STAT)
	@tests/run-all native

# The main job: a 3 GiB self-test boot (memory report, counters), then the benchmarks
# natively, in the Linux peer and under Xen PV in every strategy, and the report in
# results/<timestamp>/. RUN_BENCH_ARGS: tools/run-bench's options (--no-linux, --bench LIST).
run: deps $(KERNEL)
	@tools/pvkmap-qemu --mem 3G --timeout 600
	@tools/xenhost/build-host --quiet
	@tools/run-bench $(RUN_BENCH_ARGS)

# Two results directories of make run, operation by operation: count changes first.
compare:
	@tools/bench-report --compare "$(OLD)" "$(NEW)"

# The kernel's compiler flags, recorded with every benchmark run.
print-kcflags:
	@echo '$(KCFLAGS)'

# Only the self-test boot.
boot: deps $(KERNEL)
	@tools/pvkmap-qemu --mem 3G --timeout 600

# The same kernel as a Xen PV guest: with `xl create` in a Xen dom0, else in the Xen test
# host (Xen and a dom0 inside QEMU). XEN_MEM (MiB) and XEN_EXTRA override the config.
XEN_MEM ?= 2048
XEN_EXTRA ?= pvmmu=batched
run-xen: deps $(KERNEL)
	@tools/run-xen --memory $(XEN_MEM) --extra "$(XEN_EXTRA)"

# Reformat the C sources in place with .clang-format (Debian's clang-format): the kernel's,
# tools/pvkmap-stat's and the host tests'. tools/check-format only checks (format.t).
format:
	@tools/check-format --fix

clean:
	rm -rf $(BUILD)
