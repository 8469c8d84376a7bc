# tools/pvkmap-stat: the dom0 counter reader, its unit test and its fuzz target, built for
# the host. Included by the main Makefile; `make pvkmap-stat` builds all of it.
#   build/pvkmap-stat                     the tool (libxenctrl, libxenstore, libxenforeignmemory)
#   build/pvkmap-stat-fuzz                libFuzzer target of both parsers (clang)
#   build/tools-tests/test_pvkmap_stat    cmocka unit test of the parsers (ASan, UBSan)
#   build/tools-tests/test_pvkmap_stat_copy  and of copying a live page under its seqlocks
#   build/tools-tests/mkseeds             writes the fuzz seed corpus
#   build/tools-tests/fakexen.so          LD_PRELOAD stand-in for Xen, to test live mode

BUILD ?= build
STAT_CC ?= gcc
STAT_FUZZ_CC ?= clang
STAT_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -I.
STAT_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
# The parsers: copy.c and page.c the counters page (copied under its seqlocks, then read);
# log.c the console log, on json.c's JSON reader.
STAT_SRC := tools/pvkmap-stat/copy.c tools/pvkmap-stat/page.c tools/pvkmap-stat/log.c \
	tools/pvkmap-stat/json.c
STAT_HDR := tools/pvkmap-stat/page.h tools/pvkmap-stat/json.h tools/pvkmap-stat/parse.h \
	pv/counters_page.h

PVKMAP_STAT := $(BUILD)/pvkmap-stat $(BUILD)/pvkmap-stat-fuzz \
	$(BUILD)/tools-tests/test_pvkmap_stat $(BUILD)/tools-tests/test_pvkmap_stat_copy \
	$(BUILD)/tools-tests/mkseeds $(BUILD)/tools-tests/fakexen.so

.PHONY: pvkmap-stat
pvkmap-stat: $(PVKMAP_STAT)

$(BUILD)/pvkmap-stat: tools/pvkmap-stat/main.c $(STAT_SRC) $(STAT_HDR)
	@mkdir -p $(dir $@)
	$(STAT_CC) $(STAT_CFLAGS) -o $@ tools/pvkmap-stat/main.c $(STAT_SRC) \
		-lxenctrl -lxenstore -lxenforeignmemory

$(BUILD)/pvkmap-stat-fuzz: tests/tools/fuzz_pvkmap_stat.c $(STAT_SRC) $(STAT_HDR)
	@mkdir -p $(dir $@)
	$(STAT_FUZZ_CC) $(STAT_CFLAGS) -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ tests/tools/fuzz_pvkmap_stat.c $(STAT_SRC)

STAT_TESTS := $(BUILD)/tools-tests/test_pvkmap_stat $(BUILD)/tools-tests/test_pvkmap_stat_copy
$(STAT_TESTS): $(BUILD)/tools-tests/%: tests/tools/%.c tests/tools/pagebuild.h $(STAT_SRC) \
		$(STAT_HDR)
	@mkdir -p $(dir $@)
	$(STAT_CC) $(STAT_CFLAGS) -O1 $(STAT_SAN) -o $@ $< $(STAT_SRC) -lcmocka

$(BUILD)/tools-tests/mkseeds: tests/tools/mkseeds.c tests/tools/pagebuild.h pv/counters_page.h
	@mkdir -p $(dir $@)
	$(STAT_CC) $(STAT_CFLAGS) -o $@ tests/tools/mkseeds.c

$(BUILD)/tools-tests/fakexen.so: tests/tools/fakexen.c tests/tools/pagebuild.h pv/counters_page.h
	@mkdir -p $(dir $@)
	$(STAT_CC) $(STAT_CFLAGS) -shared -fPIC -o $@ tests/tools/fakexen.c -lpthread
