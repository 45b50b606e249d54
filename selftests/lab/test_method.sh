# SPDX-License-Identifier: GPL-2.0
# The whole method (DESIGN section 1) with stock programs only on the
# terminals: nsupdate on pn registers alice, ntsload routes, ntsdns (with
# ASan and UBSan) negotiates, and GN's glibc resolver, curl and nc reach
# alice by name. The same commands fail when ntsdns gives way to BIND.
AREA=method
source "$(dirname "$0")/lib.sh"

DDNS=198.51.100.54
URL=http://alice.example.net:8080/
RTR2=198.51.100.3
# ($NTSDNS_BIN: another build to test)
export NTSDNS=${NTSDNS_BIN:-$top/build/ntsdns-san}
# ($NTSDNS_THREADS: run it with --threads that, e.g. 1; unset: its
# default, the CPUs it may run on)
if [ -n "${NTSDNS_THREADS:-}" ]; then
	export NTSDNS_REAL=$NTSDNS NTSDNS_THREADS
	NTSDNS=$top/selftests/lab/ntsdns_threads
fi
LOG=$STATE/ntsdns.log

setup_each() {
	[ -x "$NTSDNS" ] || { fail "$NTSDNS is missing: make selftests"; return 1; }
	router_stop
	router_start
	$NETLAB ntsdns-start
	web pn "alice's page"
}

teardown_each() {
	$NETLAB ntsdns-stop
	$NETLAB plain-dns-stop
	router_stop
	kill_procs gn pn pn2
	x rtr ip addr del $RTR2/24 dev eth0 2>/dev/null
	return 0
}

register() { # host name
	printf 'server %s\nzone example.net\nupdate add %s.example.net 300 A %s\nsend\n' \
		$DDNS "$2" $RTR | x "$1" nsupdate -k "$STATE/ddns.key"
}

web() { # host page
	mkdir -p "$TMP/www-$1"
	echo "$2" >"$TMP/www-$1/index.html"
	bg "$1" python3 -m http.server -d "$TMP/www-$1" 8080 >/dev/null 2>&1
	wait_for 5 listening "$1" 8080
}

fetch() { x gn curl -s -m 5 "$URL"; }

udp_listening() { [ -n "$(x "$1" ss -Hlun "sport = :$2")" ]; }

# ntsdns's log: clean so far (no sanitizer report).
expect_clean() {
	expect_no_match "no sanitizer report" "$(cat "$LOG")" \
		"Sanitizer|runtime error"
}

test_curl_by_name() {
	expect_ok "nsupdate from pn" register pn alice
	expect_match "the router learnt alice" "$($NTSCTL phl)" \
		"alice\.example\.net +$PN "
	expect_eq "GN's glibc resolver finds her" \
		"$(x gn getent ahostsv4 alice.example.net | awk 'NR == 1 {print $1}')" \
		"$RTR"
	expect_match "and the router expects GN" "$($NTSCTL rc)" \
		"$GN +$RTR +$PN +alice\.example\.net .* no$"
	expect_eq "curl by name: alice's page" "$(fetch)" "alice's page"
	expect_match "through a flow from the request cache" \
		"$($NTSCTL nat | grep '^tcp')" \
		"^tcp +$PN:8080 +$RTR:8080 +$GN:[0-9]+ .* rc$"
	expect_match "ntsdns negotiated" "$(cat "$LOG")" \
		"alice\.example\.net for $GN via $RTR: ACCEPT"
	expect_eq "and again: every connection resolves anew" "$(fetch)" \
		"alice's page"
	expect_clean
}

# A reboot (issue 18): ntsload stops without --keep, bpffs is unmounted
# and mounted again, empty; with the same --state-dir GN still reaches
# alice by name, though she does not register again.
test_reboot_keeps_names() {
	local sd=$TMP/state-method
	router_stop
	router_start --state-dir "$sd"
	expect_ok "nsupdate from pn" register pn alice
	expect_eq "before: alice's page" "$(fetch)" "alice's page"
	router_stop
	umount "$STATE/bpf" && mount -t bpf bpf "$STATE/bpf" ||
		{ fail "could not remount the lab's bpffs"; return; }
	# A new bpffs holds only the kernel's own maps.debug and progs.debug.
	expect_eq "bpffs empty" "$(ls -A "$STATE/bpf" | grep -v "\\.debug$")" ""
	router_start --state-dir "$sd"
	expect_match "alice restored" "$($NTSCTL phl)" \
		"alice\.example\.net +$PN .* restored"
	expect_eq "after: curl by name, alice's page" "$(fetch)" "alice's page"
	expect_clean
}

# Long TCP (ssh-like): 1 MB to an echo service and back, by name.
test_long_tcp_session() {
	register pn alice
	bg pn python3 -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", 9000))
s.listen(1)
c, _ = s.accept()
while True:
    d = c.recv(65536)
    if not d:
        break
    c.sendall(d)
c.shutdown(socket.SHUT_WR)
'
	wait_for 5 listening pn 9000
	head -c 1048576 /dev/urandom >"$TMP/mb"
	x gn nc -N -w 10 alice.example.net 9000 <"$TMP/mb" >"$TMP/mb.back"
	expect_eq "1 MB came back" "$(wc -c <"$TMP/mb.back")" 1048576
	expect_eq "the same bytes" "$(sha256sum <"$TMP/mb.back")" \
		"$(sha256sum <"$TMP/mb")"
	expect_match "an rc flow" "$($NTSCTL nat | grep '^tcp')" \
		"^tcp +$PN:9000 .* rc$"
	expect_clean
}

test_udp_exchange() {
	register pn alice
	bg pn bash -c 'echo pong-from-alice | nc -u -l -W 1 6000 >'"$TMP/alice.out"
	wait_for 5 udp_listening pn 6000
	expect_eq "GN's datagram answered by alice" \
		"$(echo ping | x gn nc -u -w 2 -p 7000 alice.example.net 6000)" \
		"pong-from-alice"
	expect_eq "alice got it" "$(cat "$TMP/alice.out")" "ping"
	expect_match "a udp flow from the request cache" \
		"$($NTSCTL nat | grep '^udp .*:6000')" "rc$"
	expect_clean
}

# DESIGN section 7 end to end: a router with two global addresses lets GN
# reach alice and bob by name, bob while alice's entry waits; the ACCEPT for
# bob names the second address, and ntsdns answers GN with it.
test_two_hosts_by_name() {
	x rtr ip addr add $RTR2/24 dev eth0
	router_stop
	# alice's entry, unused, must still wait when bob's NOTICE comes,
	# however slow the machine (a VM under TCG): used, it would go 1 s
	# later.
	router_start --addr $RTR --addr $RTR2 --rc-ttl 60
	register pn alice
	register pn2 bob
	web pn2 "bob's page"
	expect_eq "alice resolved, not yet connected" \
		"$(x gn getent ahostsv4 alice.example.net | awk 'NR == 1 {print $1}')" \
		"$RTR"
	expect_eq "bob by name, while alice's entry waits" \
		"$(x gn curl -s -m 5 http://bob.example.net:8080/)" "bob's page"
	expect_match "answered with the second address" "$(cat "$LOG")" \
		"bob\.example\.net for $GN via $RTR: ACCEPT in [0-9]+ ms; answered with $RTR2"
	expect_match "bob's flow on the second address" "$($NTSCTL nat)" \
		"$PN2:8080 +$RTR2:8080 +$GN:[0-9]+ .* rc"
	expect_eq "alice by name, on the first" "$(fetch)" "alice's page"
	expect_match "alice's flow" "$($NTSCTL nat)" \
		"$PN:8080 +$RTR:8080 +$GN:[0-9]+ .* rc"
	expect_clean
}

# One GN, two hosts, both resolved and connected at the same moment: the
# router has two addresses, so neither NOTICE has to wait for the other.
test_two_hosts_at_once() {
	x rtr ip addr add $RTR2/24 dev eth0
	router_stop
	router_start --addr $RTR --addr $RTR2
	register pn alice
	register pn2 bob
	web pn2 "bob's page"
	x gn curl -s -m 5 "$URL" >"$TMP/alice" &
	x gn curl -s -m 5 http://bob.example.net:8080/ >"$TMP/bob" &
	wait
	expect_eq "alice's page" "$(cat "$TMP/alice")" "alice's page"
	expect_eq "bob's page" "$(cat "$TMP/bob")" "bob's page"
	expect_eq "no NOTICE was held back" "$(stat nego_deferred)" 0
	expect_eq "one of them was answered with the second address" \
		"$(grep -c "ACCEPT in [0-9]* ms; answered with $RTR2" "$LOG")" 1
	expect_clean
}

# Acceptance: the same command with BIND where ntsdns was fails; back
# with ntsdns, it works.
test_plain_bind_fails() {
	register pn alice
	$NETLAB ntsdns-stop
	expect_ok "plain BIND on 198.51.100.53:53" $NETLAB plain-dns-start
	expect_eq "the name still resolves" \
		"$(x gn getent ahostsv4 alice.example.net | awk 'NR == 1 {print $1}')" \
		"$RTR"
	expect_fail "but curl by name fails" fetch
	expect_eq "no request cache entry" "$($NTSCTL rc --json)" "[]"
	$NETLAB plain-dns-stop
	expect_ok "ntsdns back" $NETLAB ntsdns-start
	expect_eq "curl by name works" "$(fetch)" "alice's page"
	expect_clean
}

# --threads 2: each worker with its own sockets on GN's address, the
# kernel spreading the queries over them (SO_REUSEPORT, by source port).
# GN's glibc resolver asks from a new port each time: both workers must
# have answered, and the method must work through either.
test_two_threads() {
	local q0 q1 i
	$NETLAB ntsdns-stop
	$NETLAB ntsdns-start --threads 2
	register pn alice
	expect_match "two workers" "$(head -1 "$LOG")" "; 2 threads$"
	: >"$TMP/resolved"
	# (30: within --rate-client's burst of 40 NOTICEs for GN)
	for ((i = 0; i < 30; i++)); do
		x gn getent ahostsv4 alice.example.net |
			awk 'NR == 1 {print $1}' >>"$TMP/resolved"
	done
	expect_eq "GN's resolver found her each time" \
		"$(grep -c "^$RTR$" "$TMP/resolved")" 30
	expect_eq "curl by name: alice's page" "$(fetch)" "alice's page"
	expect_match "a flow from the request cache" \
		"$($NTSCTL nat | grep '^tcp')" "^tcp +$PN:8080 .* rc$"
	kill -USR1 "$(cat "$STATE/ntsdns.pid")"
	wait_for 5 grep -q "workers' queries:" "$LOG"
	q0=$(grep "workers' queries:" "$LOG" | tail -1 | awk '{print $4}' | tr -d ,)
	q1=$(grep "workers' queries:" "$LOG" | tail -1 | awk '{print $5}')
	expect_gt "the first worker answered some" "${q0:-0}" 0
	expect_gt "and the second too" "${q1:-0}" 0
	expect_eq "the counters are theirs summed" \
		"$(grep "counters:" "$LOG" | tail -1 | grep -o " queries [0-9]*" | awk '{print $2}')" \
		"$((q0 + q1))"
	expect_match "ntsdns negotiated" "$(cat "$LOG")" \
		"alice\.example\.net for $GN via $RTR: ACCEPT"
	$NETLAB ntsdns-stop
	expect_clean
	expect_match "stopped: the workers' queries, then the counters, once" \
		"$(tail -3 "$LOG" | cut -d: -f2 | tr '\n' ' ')" \
		"^ workers' queries  counters  stopped $"
}

run_tests
