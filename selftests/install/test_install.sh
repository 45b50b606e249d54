# SPDX-License-Identifier: GPL-2.0
# make install into a scratch root, and the documentation kept honest:
# each program's option table, as its --help lists it, against its man
# page and README's flag table, both ways (optdoc.py).
top=$(cd "$(dirname "$0")/../.." && pwd)
pattern=${1:-*}
root=$(mktemp -d /tmp/nts-install.XXXXXX)
trap 'rm -rf "$root"' EXIT

t() { # name, then a command that must succeed
	local name=install/$1
	shift
	[[ $name == $pattern ]] || return 0
	local out
	if out=$("$@" 2>&1); then
		echo "ok $name"
	else
		printf '%s\n' "$out" | tail -5 | sed 's/^/  /'
		echo "not ok $name"
	fi
}

installed() {
	make -s -C "$top" install DESTDIR="$root" PREFIX=/usr >/dev/null &&
	for f in /usr/sbin/ntsload /usr/sbin/ntsdns /usr/bin/ntsctl /usr/bin/nts-nego \
		/usr/lib/nts/nts_wan_in.bpf.o /usr/share/man/man8/ntsload.8 \
		/usr/share/man/man8/ntsdns.8 \
		/usr/lib/systemd/system/ntsload@.service \
		/usr/lib/systemd/system/ntsdns.service \
		/usr/share/doc/nts/examples/ntsload.default; do
		[ -e "$root$f" ] || { echo "missing: $f"; return 1; }
	done &&
	grep -q '^ExecStart=/usr/sbin/ntsload --keep --state-dir /var/lib/nts/%i \$NTSLOAD_ARGS %i$' \
		"$root/usr/lib/systemd/system/ntsload@.service" &&
	grep -q '^EnvironmentFile=-/etc/default/ntsload$' \
		"$root/usr/lib/systemd/system/ntsload@.service" &&
	"$root/usr/sbin/ntsload" --help >/dev/null
}

# PROG's options (its --help) against its man page PAGE, or, given a
# heading, against the flag table of that section of README.
documented() { # prog page | prog README heading
	local doc=(--man "$top/tools/man/$2")
	[ $# = 3 ] && doc=(--readme "$top/$2" "$3")
	python3 "$top/selftests/install/optdoc.py" \
		<("$top/build/$1" --help) "${doc[@]}"
}

# The installed unit, as systemd 252 (Debian 12) parses it: no line it
# ignores, and the notify protocol the daemon speaks.
unit_parses() { # unit instance
	local out
	grep -q '^Type=notify$' "$root/usr/lib/systemd/system/$1" &&
	grep -q '^WatchdogSec=' "$root/usr/lib/systemd/system/$1" || {
		echo "$1: no Type=notify and WatchdogSec="; return 1; }
	out=$(systemd-analyze verify --man=no --root="$root" \
		"/usr/lib/systemd/system/$2" 2>&1)
	# Without a whole system under $root it misses sysinit.target;
	# anything about our unit's lines is what this looks for.
	! printf '%s\n' "$out" | grep -E "$1:[0-9]+:|Unknown|Failed to parse|Invalid"
}

uninstalled() {
	make -s -C "$top" uninstall DESTDIR="$root" PREFIX=/usr >/dev/null &&
	[ -z "$(find "$root" -type f)" ] ||
		{ find "$root" -type f; return 1; }
}

t files installed
t ntsload_man documented ntsload ntsload.8
t ntsctl_man documented ntsctl ntsctl.8
t nts_nego_man documented nts-nego nts-nego.8
t ntsdns_man documented ntsdns ntsdns.8
t ntsload_readme documented ntsload README.md '## ntsload'
t ntsdns_readme documented ntsdns README.md '## ntsdns'
t ntsload_unit unit_parses ntsload@.service ntsload@eth0.service
t ntsdns_unit unit_parses ntsdns.service ntsdns.service
t uninstall uninstalled
