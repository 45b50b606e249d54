# SPDX-License-Identifier: GPL-2.0
# What the ntsdns lab tests share (test_ntsdns.sh, test_ntsdns_abuse.sh):
# addresses, the lab's ntsdns and a second one, scripted upstream and
# routers, dnsdist in front, counters, and the clean-exit check. Sourced
# after lib.sh.

NTSS=198.51.100.53
DDNS=198.51.100.54
UP=127.0.0.1:10053
FAKE_UP=127.0.0.1:10054
P2=$NTSS:5300
R1=198.51.100.61
R2=198.51.100.62
TOOL="python3 $top/dns-proxy/test/dnstool.py"
# ($NTSDNS_BIN: another build to test)
export NTSDNS=${NTSDNS_BIN:-$top/build/ntsdns-san}
# ($NTSDNS_THREADS: run it with --threads that, e.g. 1; unset: its
# default, the CPUs it may run on)
if [ -n "${NTSDNS_THREADS:-}" ]; then
	export NTSDNS_REAL=$NTSDNS NTSDNS_THREADS
	NTSDNS=$top/selftests/lab/ntsdns_threads
fi
LOG=$STATE/ntsdns.log
NTSDNS_ARGS=()
P2PID=
UPPID=
DDPID=

# alice is in DNS (registered from outside, unseen by the router), and
# ntsdns runs; the tests that need the router start it: router_up.
setup_each() {
	[ -x "$NTSDNS" ] || { fail "$NTSDNS is missing: make selftests"; return 1; }
	register gn alice
	$NETLAB ntsdns-start "${NTSDNS_ARGS[@]}"
}

teardown_each() {
	$NETLAB ntsdns-stop
	proxy2_kill
	[ -n "$UPPID" ] && kill -KILL "$UPPID" 2>/dev/null
	UPPID=
	[ -n "$DDPID" ] && kill -KILL "$DDPID" 2>/dev/null
	DDPID=
	router_stop
	kill_procs gn pn pn2 inet
	NTSDNS_ARGS=()
	ip -n "${P}inet" addr flush dev br0 2>/dev/null
}

register() { # host name [address]
	printf 'server %s\nzone example.net\nupdate add %s.example.net 300 A %s\nsend\n' \
		$DDNS "$2" "${3:-$RTR}" | x "$1" nsupdate -k "$STATE/ddns.key"
}

# ntsload on rtr, with alice in its PHL (registered from pn, through it).
router_up() {
	router_start
	register pn alice
}

# The counter $2 of the ntsdns with pid $1 and log $3, printed now.
counter() {
	local n i
	n=$(grep -c "counters:" "$3")
	kill -USR1 "$1"
	for ((i = 0; i < 50; i++)); do
		[ "$(grep -c "counters:" "$3")" -gt "$n" ] && break
		sleep 0.1
	done
	grep "counters:" "$3" | tail -1 | grep -o "[ ,]$2 [0-9]*" |
		awk '{print $2}'
}
lab_counter() { counter "$(cat "$STATE/ntsdns.pid")" "$1" "$LOG"; }
p2_counter() { counter "$P2PID" "$1" "$TMP/p2.log"; }

# A log that ends as a clean exit does: counters, then "stopped", and
# no sanitizer report anywhere.
expect_clean_log() {
	expect_no_match "no sanitizer report in $(basename "$1")" \
		"$(cat "$1")" "Sanitizer|runtime error"
	expect_match "counters printed at exit" \
		"$(tail -2 "$1" | head -1)" "ntsdns: counters: queries [0-9]+"
	expect_eq "the last line" "$(tail -1 "$1")" "ntsdns: stopped"
}

# Stop the lab's ntsdns and check how it went.
lab_stop_clean() {
	$NETLAB ntsdns-stop
	expect_clean_log "$LOG"
}

lab_restart() {
	lab_stop_clean
	$NETLAB ntsdns-start "$@"
}

# A second ntsdns, on $P2, of the test's own: its exit status is ours.
proxy2_start() {
	: >"$TMP/p2.log"
	(exec $NETLAB exec ntss "$NTSDNS" -l $P2 "$@" >"$TMP/p2.log" 2>&1) &
	P2PID=$!
	wait_for 10 grep -q "listening on" "$TMP/p2.log" ||
		fail "ntsdns did not start: $(cat "$TMP/p2.log")"
}

proxy2_stop() {
	local rc
	kill -TERM "$P2PID"
	wait "$P2PID"
	rc=$?
	P2PID=
	expect_eq "ntsdns exit status" "$rc" 0
	expect_clean_log "$TMP/p2.log"
}

proxy2_kill() {
	[ -n "$P2PID" ] && kill -KILL "$P2PID" 2>/dev/null
	P2PID=
	return 0
}

# The scripted upstream on $FAKE_UP (see dnstool.py's Upstream).
fake_upstream() {
	: >"$TMP/up.log"
	bg ntss $TOOL upstream $FAKE_UP "$TMP/up.log"
	UPPID=$!
	wait_for 5 grep -q ready "$TMP/up.log"
}

# A scripted NTS router at $1, answering $2 (dnstool.py's router modes).
fake_router() {
	ip -n "${P}inet" addr add "$1/24" dev br0
	: >"$TMP/router-$1.log"
	bg inet $TOOL router "$1" "$STATE/nts.key" "$2" "$TMP/router-$1.log"
	wait_for 5 grep -q ready "$TMP/router-$1.log"
}

q() { x gn $TOOL query "$@"; }
size() { echo "$1" | grep -o ' size [0-9]*' | awk '{print $2}'; }
# dig's answer section as "NAME TTL DATA" lines.
answer() {
	x gn dig +noall +answer +time=5 +tries=1 "$@" | awk '{print $1, $2, $5}'
}

# The dnsdist configuration of README's "Deploying it", step 5, as it is
# written there: the lab's addresses put in, nothing else changed.
dnsdist_recipe() {
	awk '/^<!-- dnsdist recipe/ { r = 1; next }
	     r && /^```lua/ { c = 1; next }
	     c && /^```/ { exit }
	     c' "$top/README.md" |
		sed -e "s/127\.0\.0\.1:5353/$UP/" -e "s/192\.0\.2\.53:53/$NTSS:53/"
}

# dnsdist on $NTSS:5400 in front of the lab's ntsdns, as an ISP's
# resolver in front of an NTS server would be: README's recipe, and what
# a lab needs besides.
dnsdist_start() {
	require_cmd dnsdist || return 1
	local recipe
	recipe=$(dnsdist_recipe)
	[[ $recipe == *"$NTSS:53"* ]] ||
		fail "no dnsdist recipe with ntsdns's address in README.md"
	cat >"$TMP/dnsdist.conf" <<CONF
$recipe
setLocal("$NTSS:5400")
setACL({"198.51.100.0/24"})
-- ntsdns (the second server) up whatever the health checks say: a
-- loaded machine, or a test restarting ntsdns, must not make it "down".
getServer(1):setUp()
setSecurityPollSuffix("")
-- (default 2 s: short for a sanitizer build on a loaded machine)
setUDPTimeout(4)
CONF
	(exec $NETLAB exec ntss dnsdist --supervised --disable-syslog \
		-C "$TMP/dnsdist.conf" >"$TMP/dnsdist.log" 2>&1) &
	DDPID=$!
	dnsdist_wait
}

# (dig's status is 0 for a SERVFAIL too, and +short prints a time-out
# on stdout: wait for the zone's SOA, from ntsdns.)
dnsdist_answers() {
	x gn dig +short +time=1 +tries=1 -p 5400 @$NTSS example.net SOA |
		grep -q hostmaster
}

dnsdist_wait() {
	wait_for 10 dnsdist_answers ||
		fail "dnsdist does not answer: $(cat "$TMP/dnsdist.log")"
}
