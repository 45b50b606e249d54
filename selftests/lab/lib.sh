# SPDX-License-Identifier: GPL-2.0
# Lab test library: a lab of this run's own (prefix nts<pid>-), removed on
# exit whatever happens; assertions that say what failed; and a runner
# that prints "ok lab/AREA/NAME" or "not ok lab/AREA/NAME" per test.
#
# A test file sets AREA, defines test_* functions and ends with run_tests.

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

# The counter NAME of the router's datapath.
stat() {
	$NTSCTL stats --json | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
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
# file defines them.
run_tests() {
	local t name fns=()
	for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
		name="lab/$AREA/${t#test_}"
		# shellcheck disable=SC2053
		[[ $name == $PATTERN ]] && fns+=("$t")
	done
	[ ${#fns[@]} -gt 0 ] || return 0
	lab_up
	for t in "${fns[@]}"; do
		name="lab/$AREA/${t#test_}"
		FAILED=0
		if declare -F setup_each >/dev/null; then
			setup_each || fail "setup for $name"
		fi
		[ $FAILED = 0 ] && $t
		if [ $FAILED = 0 ]; then
			echo "ok $name"
		else
			echo "not ok $name"
		fi
		if declare -F teardown_each >/dev/null; then
			teardown_each
		fi
	done
	# The verdicts are the lines above, not the last command's status.
	return 0
}
