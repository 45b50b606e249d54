#!/usr/bin/env bash
# Install the Debian packages NTS needs to build, test, demo and bench.
# Only what is missing is installed; safe to run again.
set -euo pipefail

pkgs=(
	make gcc clang llvm libclang-rt-14-dev libbpf-dev bpftool libelf-dev
	zlib1g-dev pkg-config
	libldns-dev libssl-dev libevent-dev
	iproute2 iputils-ping traceroute ethtool nftables
	bind9 bind9-dnsutils curl netcat-openbsd python3 openssl
	dnsperf dnsdist iperf3 coturn python3-scapy python3-prometheus-client
	# lab/auth: a resolver with EDNS Client Subnet in front of ntsdns
	# --authoritative (see the service note below)
	unbound
	qemu-system-x86 busybox-static kmod systemd
	# virtme-ng (vng, from Debian 13, unpacked by tools/vmtest) runs on
	# these; udev because virtme-init starts the host's systemd-udevd in
	# the guest to create /dev/virtio-ports/virtme.*
	python3-argcomplete python3-pkg-resources python3-requests file udev
	debian-archive-keyring
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]}" >&2
	echo "deps.sh: run as root (or: sudo apt-get install ${missing[*]})" >&2
	exit 1
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -qq update
apt-get -qq install -y --no-install-recommends "${missing[@]}" >/dev/null

# unbound is wanted for its binary only: lab/auth runs "unbound -d -c
# CONF" in a namespace of its own, with its own configuration (no
# chroot, pid file, control socket or trust anchor of the host's), so a
# host service could not get in its way. But Debian's postinst enables
# and starts unbound.service, a recursive resolver on the host's
# 127.0.0.1:53 that asks the Internet's root servers, and, with
# resolvconf installed, unbound-resolvconf.service makes it the host's
# own resolver. Nobody asked for that: when deps.sh is what installed
# unbound, it stops and disables both again. An unbound that was there
# before is left as its owner configured it. (In a container with a
# policy-rc.d that says no, nothing was started; this does no harm.)
if [[ " ${missing[*]} " == *" unbound "* ]] &&
	[ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
	systemctl disable --now unbound.service unbound-resolvconf.service \
		>/dev/null 2>&1 || true
fi
