# SPDX-License-Identifier: GPL-2.0
# make demo's script: every step works, and it leaves nothing behind,
# neither at its end nor when interrupted.
top=$(cd "$(dirname "$0")/../.." && pwd)
pattern=${1:-*}
out=$(mktemp /tmp/nts-demo-test.XXXXXX)
trap 'rm -f "$out"' EXIT

# What a demo may leave: its namespaces, lab state, processes.
leftovers() {
	ip netns list | grep -o '^ntsdemo[0-9]*-[a-z0-9]*'
	ls -d /run/nts-lab/ntsdemo* /etc/netns/ntsdemo* 2>/dev/null
	pgrep -af 'ntsdemo[0-9]*-' | grep -v pgrep
}

t() { # name, then a command that must succeed
	local name=lab/demo/$1
	shift
	[[ $name == $pattern ]] || return 0
	if "$@"; then
		echo "ok $name"
	else
		echo "not ok $name"
	fi
}

runs() {
	bash "$top/tools/demo" >"$out" 2>&1 || {
		grep -E 'FAIL|netlab' "$out" | sed 's/^/  /'
		return 1
	}
	grep -q "Hello from alice, behind the NAT." "$out" &&
		grep -q "Every step worked" "$out" &&
		! grep -q FAIL "$out" || { tail -5 "$out"; return 1; }
	[ -z "$(leftovers)" ] || { echo "  left: $(leftovers)"; return 1; }
}

interrupted() {
	# Stopped once the router runs: exit 130, all of it removed. (SIGTERM:
	# a background job of a script ignores SIGINT; the trap is the same.)
	bash "$top/tools/demo" >"$out" 2>&1 &
	local pid=$! i
	# A loaded machine may take long to bring the lab up: wait for it,
	# and say so if it never came.
	for ((i = 0; i < 1200; i++)); do
		grep -q "Step 1" "$out" && break
		sleep 0.1
	done
	grep -q "Step 1" "$out" || echo "  no 'Step 1' in 120 s: $(tail -1 "$out")"
	kill -TERM "$pid"
	wait "$pid"
	local rc=$?
	[ $rc = 130 ] || { echo "  exit status $rc, not 130"; return 1; }
	grep -q "interrupted" "$out" || return 1
	[ -z "$(leftovers)" ] || { echo "  left: $(leftovers)"; return 1; }
}

t every_step runs
t again runs
t interrupted interrupted
