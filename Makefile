# SPDX-License-Identifier: GPL-2.0
# NTS: `make` builds, `make check` tests, `make demo` shows the method.

CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
O        ?= build
PREFIX   ?= /usr/local
SBINDIR  ?= $(PREFIX)/sbin
BINDIR   ?= $(PREFIX)/bin
LIBDIR   ?= $(PREFIX)/lib/nts
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/nts
SYSCONFDIR ?= /etc
UNITDIR  ?= $(PREFIX)/lib/systemd/system

ARCH_INC := /usr/include/$(shell $(CC) -dumpmachine)
CFLAGS   ?= -O2 -g
CFLAGS   += -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	    -Iinclude -Iuser/lib -I$(O)/skel
BPF_CFLAGS := -target bpf -O2 -g -Wall -Wextra -Werror \
	      -Wno-unused-parameter -Iinclude -Ibpf -I$(ARCH_INC)
LIBS     := -lbpf -lelf -lz -lcrypto
TEST_LIBS := -lldns -levent

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(O)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS    := $(patsubst bpf/%.bpf.c,$(O)/skel/%.skel.h,$(BPF_SRCS))
HDRS     := $(wildcard include/nts/*.h user/lib/*.h)

LIB_SRCS := $(wildcard user/lib/*.c)
LIB_OBJS := $(patsubst %.c,$(O)/%.o,$(LIB_SRCS))
LIB      := $(O)/libnts.a

NTSLOAD_OBJS := $(patsubst %.c,$(O)/%.o,$(wildcard user/ntsload/*.c))
NTSCTL_OBJS  := $(patsubst %.c,$(O)/%.o,$(wildcard tools/ntsctl/*.c))
NEGO_OBJS    := $(patsubst %.c,$(O)/%.o,$(wildcard tools/nts-nego/*.c))
PROGS        := $(O)/ntsload $(O)/ntsctl $(O)/nts-nego

.PHONY: all check demo deps test clean format install uninstall vmtest
all: $(BPF_OBJS) $(PROGS)

$(O)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/lib/*.h) $(wildcard include/nts/*.h)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(O)/skel/%.skel.h: $(O)/bpf/%.bpf.o
	@mkdir -p $(@D)
	$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<)) > $@.tmp
	mv $@.tmp $@

$(O)/%.o: %.c $(HDRS) $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(AR) rcs $@ $^

# ntsload's own headers: its stages share structures by value.
$(NTSLOAD_OBJS): $(wildcard user/ntsload/*.h)

$(O)/ntsload: $(NTSLOAD_OBJS) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS) -levent

$(O)/ntsctl: $(NTSCTL_OBJS) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(O)/nts-nego: $(NEGO_OBJS) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

include dns-proxy/Makefile.inc
include selftests/Makefile.inc
include tools/vmtest.mk

deps:
	@tools/deps.sh

check: deps
	$(MAKE) all selftests
	selftests/run

demo: deps
	$(MAKE) all
	tools/demo

# The BPF objects are built into ntsload (skeletons); the copies in LIBDIR
# are for inspection (bpftool, veristat).
install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(DOCDIR)/examples
	install -m 755 $(O)/ntsload $(O)/ntsdns $(DESTDIR)$(SBINDIR)/
	install -m 755 $(O)/ntsctl $(O)/nts-nego $(DESTDIR)$(BINDIR)/
	install -m 644 $(BPF_OBJS) $(DESTDIR)$(LIBDIR)/
	install -m 644 tools/man/*.8 $(DESTDIR)$(MANDIR)/man8/
	for u in tools/systemd/*.service; do \
		sed -e 's|@SBINDIR@|$(SBINDIR)|g' \
		    -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $$u \
			>$(DESTDIR)$(UNITDIR)/$$(basename $$u); \
	done
	install -m 644 tools/systemd/ntsload.default tools/systemd/ntsdns.default \
		$(DESTDIR)$(DOCDIR)/examples/

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/ntsload $(DESTDIR)$(SBINDIR)/ntsdns \
		$(DESTDIR)$(BINDIR)/ntsctl $(DESTDIR)$(BINDIR)/nts-nego \
		$(DESTDIR)$(UNITDIR)/ntsload@.service \
		$(DESTDIR)$(UNITDIR)/ntsdns.service \
		$(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(wildcard tools/man/*.8)))
	rm -rf $(DESTDIR)$(LIBDIR) $(DESTDIR)$(DOCDIR)

format:
	clang-format -i $(wildcard bpf/*.c bpf/lib/*.h include/nts/*.h \
		user/*/*.[ch] tools/*/*.[ch] selftests/unit/*.[ch])

clean:
	rm -rf $(O)
