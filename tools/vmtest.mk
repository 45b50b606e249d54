# SPDX-License-Identifier: GPL-2.0
# The kernel matrix: for each kernel of KERNELS, boot it in a VM
# (tools/vmtest: virtme-ng's vng when installed, else qemu driven by the
# script itself) and run tools/vmtest.d/suite there on the binaries built
# here. A failure on any kernel, or a VM that reports no status (panic,
# timeout), fails the run.
#
#   make vmtest                                  Debian 12's 6.1
#   make vmtest KERNELS="6.1 linux-image-amd64"  several kernels
#   make vmtest KERNELS=path/to/bzImage          a kernel built elsewhere
#   make vmtest VMTEST_PATTERN='*'               every test (long under TCG)
#   make vmtest VMTEST_PATTERN='unit/*'          some tests only
#   make vmtest VMTEST_FLAGS='--mem 4G -v'       more tools/vmtest options
#
# The default pattern is what CI runs: every BPF object loaded (through
# the kernel's verifier) and its programs attached to a veth (load/*), the
# BPF_PROG_TEST_RUN unit tests (unit/*) and the lab test of the whole
# method (lab/method/*).
# tools/vmtest --help says what a kernel may be; kernels are kept in
# /var/cache/nts-vmtest (VMTEST_CACHE=DIR for another place).
# Included by the top Makefile, which defines $(O).

KERNELS        ?= 6.1
VMTEST_QUICK   := load/* unit/* lab/method/*
VMTEST_PATTERN ?= $(VMTEST_QUICK)
# Seconds before the VM is powered off: CI's patterns take ~6 minutes
# under TCG on 2 cores; everything ('*') takes far longer.
VMTEST_TIMEOUT ?= $(if $(filter-out $(VMTEST_QUICK),$(VMTEST_PATTERN)),7200,1200)
VMTEST_FLAGS   ?=

.PHONY: vmtest
vmtest: deps
	$(MAKE) all selftests
	@failed=; \
	for k in $(KERNELS); do \
		echo "=== vmtest: $$k: $(VMTEST_PATTERN)"; \
		t0=$$(date +%s); \
		if tools/vmtest -k "$$k" --timeout $(VMTEST_TIMEOUT) $(VMTEST_FLAGS) -- \
			tools/vmtest.d/suite -O '$(O)' '$(VMTEST_PATTERN)'; then \
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
