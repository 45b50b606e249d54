# SPDX-License-Identifier: GPL-2.0
# The kernel matrix: for each kernel of KERNELS, boot it in a VM
# (tools/vmtest: virtme-ng's vng when there, else qemu driven by the
# script itself) and run tools/vmtest.d/suite there on the binaries built
# here. A failure on any kernel, or a VM that reports no status (panic,
# timeout), fails the run.
#
#   make vmtest                                  Debian 12's 6.1
#   make vmtest KERNELS="6.1 6.12"               Debian 12's two series
#   make vmtest KERNELS=path/to/bzImage          a kernel built elsewhere
#   make vmtest VMTEST_PATTERN='*'               every test (long under TCG)
#   make vmtest VMTEST_PATTERN='unit/*'          some tests only
#   make vmtest VMTEST_BACKEND=vng               vng, fetched if missing
#   make vmtest VMTEST_FLAGS='--mem 4G -v'       more tools/vmtest options
#   make vmtest-qemu                             our own qemu runner, on 6.1
#
# The default pattern is what CI runs: every BPF object loaded (through
# the kernel's verifier) and its programs attached to a veth (load/*), the
# BPF_PROG_TEST_RUN unit tests (unit/*) and the lab test of the whole
# method (lab/method/*).
# tools/vmtest --help says what a kernel may be; kernels (and vng, when
# fetched) are kept in /var/cache/nts-vmtest (VMTEST_CACHE=DIR for
# another place).
# Included by the top Makefile, which defines $(O).

KERNELS        ?= 6.1
VMTEST_QUICK   := load/* unit/* lab/method/*
VMTEST_PATTERN ?= $(VMTEST_QUICK)
# auto: vng when on PATH or in the cache, else our qemu runner; vng:
# vng, fetched from Debian 13 into the cache when missing; qemu: ours.
VMTEST_BACKEND ?= auto
# Seconds before the VM is powered off: CI's patterns take ~6 minutes
# under TCG on 2 cores; everything ('*') takes far longer.
VMTEST_TIMEOUT ?= $(if $(filter-out $(VMTEST_QUICK),$(VMTEST_PATTERN)),7200,1200)
VMTEST_FLAGS   ?=
# What vmtest-qemu runs, to keep the qemu runner tested beside vng.
VMTEST_QEMU_KERNEL  ?= 6.1
VMTEST_QEMU_PATTERN ?= load/* unit/*

# $(call vmtest_run,KERNELS,BACKEND,PATTERN): the suite on each kernel.
define vmtest_run
	@failed=; \
	for k in $(1); do \
		echo "=== vmtest: $$k ($(2)): $(3)"; \
		t0=$$(date +%s); \
		if tools/vmtest -k "$$k" --backend $(2) --timeout $(VMTEST_TIMEOUT) \
			$(VMTEST_FLAGS) -- tools/vmtest.d/suite -O '$(O)' '$(3)'; then \
			echo "=== vmtest: $$k: passed in $$(($$(date +%s) - t0)) s"; \
		else \
			echo "=== vmtest: $$k: FAILED after $$(($$(date +%s) - t0)) s"; \
			failed="$$failed $$k"; \
		fi; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "vmtest: failed on:$$failed"; \
		exit 1; \
	fi
endef

.PHONY: vmtest vmtest-qemu
vmtest: deps
	$(MAKE) all selftests
	$(call vmtest_run,$(KERNELS),$(VMTEST_BACKEND),$(VMTEST_PATTERN))

vmtest-qemu: deps
	$(MAKE) all selftests
	$(call vmtest_run,$(VMTEST_QEMU_KERNEL),qemu,$(VMTEST_QEMU_PATTERN))
