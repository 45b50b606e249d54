# SPDX-License-Identifier: GPL-2.0
# Lab test library: a lab of this run's own (prefix nts<pid>-), removed on
# exit whatever happens; assertions that say what failed; and a runner
# that prints "ok lab/AREA/NAME", "not ok lab/AREA/NAME" or "ok
# lab/AREA/NAME # SKIP why" per test.
#
# A test file sets AREA, defines test_* functions and ends with run_tests.
# Each test runs in a subshell of its own: what it prints is shown only
# if it fails (or with V=1), what it registers with `defer` is undone when
# it ends however it ends, and `require_cmd` skips it, saying why.

set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
P="nts$$-"
NETLAB="$top/tools/netlab -p $P"
STATE=$($NETLAB state)
PINS=$STATE/bpf/eth0
NTSCTL="$top/build/ntsctl -P $PINS"
NTSLOAD=$top/build/ntsload
TMP=$(mktemp -d "/tmp/nts-test.XXXXXX")
PATTERN=${1:-*}

GN=198.51.100.10
RTR=198.51.100.2
PN=10.0.0.10
PN2=10.0.0.11

x() { $NETLAB exec "$@"; }

lab_down() {
	# Jobs the lab's removal kills are expected: no "Killed" notices.
	exec 2>/dev/null
	$NETLAB down >/dev/null
	rm -rf "$TMP"
}
trap lab_down EXIT
trap 'exit 130' INT TERM

lab_up() {
	$NETLAB up || { echo "# lab setup failed"; exit 1; }
}

router_start() {
	$NETLAB router-start "$@"
}

router_stop() {
	$NETLAB router-stop
}

# A second NTS router $1, its WAN eth0 at $4/24 on the bridge of
# namespace $3, its LAN eth1 at $5.1/24 on a bridge of its own (namespace
# l$1) with one inside host $2 at $5.10; $6: the WAN's gateway, if any.
router2_up() { # router host uplink wan-addr lan-net [gateway]
	local r=$1 h=$2 n
	[ -e "/run/netns/$P$r" ] && return 0
	for n in "$r" "l$r" "$h"; do
		ip netns add "$P$n"
		ip -n "$P$n" link set lo up
	done
	ip -n "${P}l$r" link add br0 type bridge
	ip -n "${P}l$r" link set br0 up
	ip -n "$P$r" link add eth0 type veth peer name "$r" netns "$P$3"
	ip -n "$P$3" link set "$r" master br0 up
	ip -n "$P$r" link add eth1 type veth peer name "$r" netns "${P}l$r"
	ip -n "${P}l$r" link set "$r" master br0 up
	ip -n "$P$h" link add eth0 type veth peer name "$h" netns "${P}l$r"
	ip -n "${P}l$r" link set "$h" master br0 up
	ip -n "$P$r" addr add "$4/24" dev eth0
	ip -n "$P$r" addr add "$5.1/24" dev eth1
	ip -n "$P$h" addr add "$5.10/24" dev eth0
	for n in "$r:eth0" "$r:eth1" "$h:eth0"; do
		ip -n "$P${n%:*}" link set "${n#*:}" up
	done
	[ -z "${6:-}" ] || ip -n "$P$r" route add default via "$6"
	ip -n "$P$h" route add default via "$5.1"
	x "$r" sysctl -qw net.ipv4.ip_forward=1
	x "$h" ethtool -K eth0 tx off >/dev/null
}

# ntsload on router $1 with key file $2 and the lab's DDNS server and
# zone, more options after; it logs to $TMP/$1.log.
router2_start() { # router key [option...]
	local r=$1 k=$2
	shift 2
	: >"$TMP/$r.log"
	ip netns exec "$P$r" "$NTSLOAD" --pin-path "$STATE/bpf/$r" -k "$k" \
		--ddns-server "$DDNS" --zone example.net "$@" \
		eth0 >>"$TMP/$r.log" 2>&1 &
	echo $! >"$TMP/$r.pid"
	wait_for 10 grep -q attached "$TMP/$r.log" ||
		{ cat "$TMP/$r.log"; return 1; }
}

router2_stop() { # router
	[ -f "$TMP/$1.pid" ] || return 0
	kill "$(cat "$TMP/$1.pid")" 2>/dev/null
	wait "$(cat "$TMP/$1.pid")" 2>/dev/null
	rm -f "$TMP/$1.pid"
}

# Run a command in the background in a namespace; it dies with the lab.
bg() {
	local ns=$1
	shift
	# exec: no shell left to report "Killed" when the lab goes
	(exec $NETLAB exec "$ns" "$@") &
	disown
}

# Stop whatever the last test left running in these namespaces.
kill_procs() {
	local n pids
	for n in "$@"; do
		pids=$(ip netns pids "$P$n" 2>/dev/null)
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
	done
	return 0
}

# Wait up to $1 seconds for a command to succeed.
wait_for() {
	local t=$1 i
	shift
	for ((i = 0; i < t * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# Something listens on TCP port $2 in namespace $1 (without connecting,
# which would use up a one-shot "nc -l").
listening() { [ -n "$(x "$1" ss -Hltn "sport = :$2")" ]; }
# The same for UDP: a socket bound to port $2 in namespace $1.
listening_udp() { [ -n "$(x "$1" ss -Hlun "sport = :$2")" ]; }

# The router's flows (ntsctl nat) have a line matching the ERE $1, or not.
nat_has() { $NTSCTL nat | grep -qE -- "$1"; }
nat_lacks() { ! nat_has "$1"; }

# The counter NAME of the router's datapath.
stat() {
	$NTSCTL stats | awk -v n="$1" '$1 == n { print $2; f = 1 } END { exit !f }'
}

# Counter $1 is at least $2 (for wait_for).
stat_ge() { [ "$(stat "$1")" -ge "$2" ] 2>/dev/null; }

# What the service manager hears (sd_notify(3)'s datagram protocol): one
# line per datagram in $2, until STOPPING=1 or 30 s.
notify_listen() {
	python3 - "$1" "$2" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
with open(sys.argv[2], "a", buffering=1) as log:
    try:
        while True:
            m = s.recv(4096).decode(errors="replace")
            log.write(m.replace("\n", " ") + "\n")
            if "STOPPING=1" in m:
                break
    except socket.timeout:
        pass
PY
	defer kill $!
	wait_for 5 test -S "$1"
}
heard() { grep -c -- "$2" "$1" 2>/dev/null; }
heard_ge() { [ "$(heard "$1" "$2")" -ge "$3" ]; }

# Undo CMD... when the test ends, last registered first, pass or fail.
DEFERRED=()
defer() {
	local q
	printf -v q '%q ' "$@"
	DEFERRED+=("$q")
}
run_deferred() {
	local i
	for ((i = ${#DEFERRED[@]} - 1; i >= 0; i--)); do
		eval "${DEFERRED[i]}" >/dev/null 2>&1
	done
	DEFERRED=()
}

# The test needs CMD (from tools/deps.sh): without it, it is skipped.
#	require_cmd dnsdist || return 0
require_cmd() {
	command -v "$1" >/dev/null && return 0
	SKIPPED="$1 is not installed (tools/deps.sh installs it)"
	return 1
}

# ---- assertions: print what failed, mark the test failed, go on ----
FAILED=0
fail() {
	echo "  ${BASH_SOURCE[2]##*/}:${BASH_LINENO[1]}: $*"
	FAILED=1
	return 1
}

expect_ok() {
	local what=$1 out
	shift
	out=$("$@" 2>&1) && return 0
	fail "$what: '$*' failed: $(echo "$out" | tail -3)"
}

expect_fail() {
	local what=$1
	shift
	"$@" >/dev/null 2>&1 || return 0
	fail "$what: '$*' succeeded, and must not"
}

expect_eq() {
	[ "$2" == "$3" ] && return 0
	fail "$1: got '$2', expected '$3'"
}

expect_ne() {
	[ "$2" != "$3" ] && return 0
	fail "$1: got '$2', which it must not be"
}

expect_match() {
	[[ $2 =~ $3 ]] && return 0
	fail "$1: '$2' does not match /$3/"
}

expect_no_match() {
	[[ ! $2 =~ $3 ]] && return 0
	fail "$1: '$2' matches /$3/, and must not"
}

expect_gt() {
	[ "$2" -gt "$3" ] 2>/dev/null && return 0
	fail "$1: got '$2', expected more than $3"
}

# Run the test_* functions of the file whose names match the pattern,
# in one lab per file, each between setup_each and teardown_each if the
# file defines them, each in a subshell: its verdict is its exit status
# (0 passed, 1 failed, 2 skipped, the reason in $TMP/skip), its output is
# kept in $TMP/out and shown when it did not pass. teardown_each and what
# was deferred run in the subshell too, whatever way the test ends, and
# see what the test set.
run_one() {
	FAILED=0 SKIPPED= DONE=
	trap 'end_one $?' EXIT
	if declare -F setup_each >/dev/null; then
		setup_each || fail "setup for $1"
	fi
	[ $FAILED = 0 ] && "$2"
	DONE=1
	exit 0
}

end_one() {
	trap - EXIT
	[ -n "$DONE" ] || [ "$1" = 0 ] || fail "the test exited, status $1"
	if declare -F teardown_each >/dev/null; then
		teardown_each
	fi
	run_deferred
	[ $FAILED = 0 ] || exit 1
	if [ -n "$SKIPPED" ]; then
		echo "$SKIPPED" >"$TMP/skip"
		exit 2
	fi
	exit 0
}

run_tests() {
	local t name fns=() rc
	for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
		name="lab/$AREA/${t#test_}"
		# shellcheck disable=SC2053
		[[ $name == $PATTERN ]] && fns+=("$t")
	done
	[ ${#fns[@]} -gt 0 ] || return 0
	lab_up
	for t in "${fns[@]}"; do
		name="lab/$AREA/${t#test_}"
		rm -f "$TMP/skip"
		if [ -n "${V:-}" ]; then
			(run_one "$name" "$t")
		else
			(run_one "$name" "$t") >"$TMP/out" 2>&1
		fi
		rc=$?
		case $rc in
		0) echo "ok $name" ;;
		2) echo "ok $name # SKIP $(cat "$TMP/skip")" ;;
		*)
			[ -n "${V:-}" ] || cat "$TMP/out"
			echo "not ok $name" ;;
		esac
	done
	# The verdicts are the lines above, not the last command's status.
	return 0
}
