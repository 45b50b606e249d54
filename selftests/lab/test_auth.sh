# SPDX-License-Identifier: GPL-2.0
# Issue 20's acceptance: ntsdns --authoritative in front of the zone's
# authoritative BIND (ddns), its clients resolvers. GN's stock resolver
# asks a stock unbound, which sends EDNS Client Subnet /24 to ntsdns;
# ntsdns tells the router which /24 will connect (a prefix NOTICE); the
# first packet of a host of that /24, within --rc-prefix-ttl, opens the
# flow and binds the entry to that host. Without ECS nothing is opened,
# unless ntsdns --trust-resolver names the resolver and ntsload
# --unbound-window lets anyone in for that long.
#
# The lab gets, on its Internet bridge:
#   res   198.51.100.60  unbound with ECS (send-client-subnet ntsdns)
#   res2  198.51.100.61  unbound without ECS
#   gn2   203.0.113.10   an outside host in another /24 (TEST-NET-3),
#                        on-link with rtr, res, res2 and ntss
#   gn3   198.51.100.11  another host of GN's /24
# gn, gn2 and gn3's glibc resolver asks res (or res2).
AREA=auth
source "$(dirname "$0")/lib.sh"

DDNS=198.51.100.54
NTSS=198.51.100.53
RES=198.51.100.60
RES2=198.51.100.61
GN2=203.0.113.10
GN3=198.51.100.11
GN_NET=198.51.100.0/24
GN2_NET=203.0.113.0/24
URL=http://alice.example.net:8080/
DIRECT=http://$RTR:8080/
# The window the tests give the router's prefix entries, and its
# unbound window (seconds).
PTTL=2
# A window to outlast failed attempts (seconds).
LONG=10
export NTSDNS=${NTSDNS_BIN:-$top/build/ntsdns-san}
LOG=$STATE/ntsdns.log

# ---- the lab's additions (removed with it: same prefix, same bridge) ----

# An outside host $1 at $2/$3 on the Internet bridge.
inet_host() { # name addr len
	local n=$P$1
	[ -e "/run/netns/$n" ] && return 0
	ip netns add "$n"
	ip -n "$n" link set lo up
	ip -n "$n" link add eth0 type veth peer name "$1" netns "${P}inet"
	ip -n "${P}inet" link set "$1" master br0 up
	ip -n "$n" addr add "$2/$3" dev eth0
	ip -n "$n" link set eth0 up
	x "$1" ethtool -K eth0 tx off >/dev/null
}

extra_up() {
	local n
	[ -e "/run/netns/${P}gn3" ] && return 0
	inet_host res $RES 24
	inet_host res2 $RES2 24
	inet_host gn2 $GN2 24
	inet_host gn3 $GN3 24
	# GN2's /24 is on the same wire: on-link both ways, no router
	# between (rtr's WAN, the resolvers and ntss reach it directly).
	ip -n "${P}gn2" route add $GN_NET dev eth0
	for n in rtr res res2 ntss; do
		ip -n "$P$n" route add $GN2_NET dev eth0
	done
	for n in gn gn2 gn3; do
		mkdir -p "/etc/netns/$P$n"
	done
}

# The glibc resolver of gn, gn2 and gn3 asks $1.
use_resolver() {
	local n
	for n in gn gn2 gn3; do
		echo "nameserver $1" >"/etc/netns/$P$n/resolv.conf"
	done
}

# unbound in namespace $1 at $2; $3 "ecs": with EDNS Client Subnet /24
# to ntsdns. example.net is a stub zone at ntsdns; its only root is in
# the lab (ddns, which knows none), so no query leaves the lab. It logs
# to $TMP/unbound-$1.log.
unbound_start() { # ns addr [ecs]
	local d=$TMP/unbound-$1 ecs='
	# No validator module: no DNSSEC, no trust anchor to read.
	module-config: "iterator"'
	mkdir -p "$d"
	printf '.\t3600000\tNS\troot.lab.\nroot.lab.\t3600000\tA\t%s\n' \
		$DDNS >"$d/root.hint"
	[ "${3:-}" = ecs ] && ecs="
	# No validator: no DNSSEC. subnetcache: ECS.
	module-config: \"subnetcache iterator\"
	send-client-subnet: $NTSS
	max-client-subnet-ipv4: 24"
	cat >"$d/unbound.conf" <<CONF
server:
	interface: $2
	outgoing-interface: $2
	port: 53
	do-ip6: no
	do-daemonize: no
	chroot: ""
	username: ""
	pidfile: ""
	directory: "$d"
	logfile: ""
	use-syslog: no
	verbosity: 1
	log-queries: yes
	num-threads: 1
	access-control: 0.0.0.0/0 refuse
	access-control: $GN_NET allow
	access-control: $GN2_NET allow
	root-hints: "$d/root.hint"
	qname-minimisation: no
	# (the lab has no test. zone behind unbound; one would need
	# local-zone: "test." nodefault, RFC 6761's default)
	# The address ntsdns answers for a negotiated name goes with
	# every new connection: nothing from the cache.
	cache-max-ttl: 0
	cache-max-negative-ttl: 0$ecs
stub-zone:
	name: "example.net"
	stub-addr: $NTSS
CONF
	unbound-checkconf "$d/unbound.conf" >"$d/check" 2>&1 ||
		{ cat "$d/check"; return 1; }
	: >"$TMP/unbound-$1.log"
	ip netns exec "$P$1" unbound -d -c "$d/unbound.conf" \
		>>"$TMP/unbound-$1.log" 2>&1 &
	echo $! >"$TMP/unbound-$1.pid"
	# Serving once it says so; then it must reach ntsdns.
	wait_for 10 grep -q 'start of service' "$TMP/unbound-$1.log" &&
		x "$1" dig +short +time=3 +tries=1 @"$2" example.net SOA |
		grep -q . || { cat "$TMP/unbound-$1.log"; return 1; }
}

unbound_stop() { # ns
	[ -f "$TMP/unbound-$1.pid" ] || return 0
	kill "$(cat "$TMP/unbound-$1.pid")" 2>/dev/null
	wait "$(cat "$TMP/unbound-$1.pid")" 2>/dev/null
	rm -f "$TMP/unbound-$1.pid"
}

# ---- ntsdns and the router ----

# setup_each skipped the test (no unbound): it does nothing.
skipped() { [ -n "$SKIPPED" ]; }

# ntsdns in ntss as issue 20 runs it: --authoritative in front of ddns's
# BIND, the authoritative server of example.net. Options after. netlab
# ntsdns-stop stops it (the pid file is netlab's).
ntsdns_start() {
	: >"$LOG"
	ip netns exec "${P}ntss" "$NTSDNS" -l $NTSS -u $DDNS \
		-z "example.net:$STATE/nts.key" --authoritative "$@" \
		>>"$LOG" 2>&1 &
	echo $! >"$STATE/ntsdns.pid"
	wait_for 10 grep -q 'listening on' "$LOG" || { cat "$LOG"; return 1; }
}

# ntsdns's counter $1 now (SIGUSR1 prints them all on one line).
ntsdns_counter() {
	local n
	n=$(grep -c 'counters:' "$LOG")
	kill -USR1 "$(cat "$STATE/ntsdns.pid")"
	wait_for 5 test "$(grep -c 'counters:' "$LOG")" -gt "$n"
	grep 'counters:' "$LOG" | tail -1 | grep -oE "[ ,]$1 [0-9]+" |
		awk '{print $2}'
}

NL=$'\n'

register() { # alice, A the router
	printf 'server %s\nzone example.net\nupdate add alice.example.net 300 A %s\nsend\n' \
		$DDNS $RTR | x pn nsupdate -k "$STATE/ddns.key"
}

web() { # host page
	mkdir -p "$TMP/www-$1"
	echo "$2" >"$TMP/www-$1/index.html"
	bg "$1" python3 -m http.server -d "$TMP/www-$1" 8080 >/dev/null 2>&1
	wait_for 5 listening "$1" 8080
}

# $1 resolves alice (A) through its resolver: the first address.
resolve() {
	x "$1" getent ahostsv4 alice.example.net | awk 'NR == 1 {print $1}'
}

# $1 fetches $2 (default: alice by name); fails within 2 s when nothing
# answers its SYN.
fetch() { x "$1" curl -s --connect-timeout 2 -m 5 "${2:-$URL}"; }

# ntsdns's log has no sanitizer report.
expect_clean() {
	expect_no_match "no sanitizer report" "$(cat "$LOG")" \
		"Sanitizer|runtime error"
}

setup_each() {
	[ -x "$NTSDNS" ] || { fail "$NTSDNS is missing: make selftests"; return 1; }
	require_cmd unbound || return 0
	extra_up || { fail "the lab's additions"; return 1; }
	use_resolver $RES
	router_up || return 1
	web pn "alice's page"
}

# ntsload anew, with options $@ (its pins go: the PHL too), and alice
# registered with it.
router_up() {
	router_stop
	router_start "$@" || { fail "ntsload $*"; return 1; }
	register >/dev/null || { fail "nsupdate from pn"; return 1; }
	wait_for 5 registered || { fail "the router did not learn alice"; return 1; }
}

registered() { $NTSCTL phl | grep -qE "alice\.example\.net +$PN "; }

teardown_each() {
	unbound_stop res
	unbound_stop res2
	$NETLAB ntsdns-stop
	router_stop
	kill_procs gn gn2 gn3 pn res res2
	return 0
}

# Both resolvers and ntsdns up; $@: ntsdns's options.
dns_up() {
	ntsdns_start "$@" || { fail "ntsdns did not start"; return 1; }
	unbound_start res $RES ecs || { fail "unbound with ECS"; return 1; }
	unbound_start res2 $RES2 || { fail "unbound without ECS"; return 1; }
}

# A capture of $1's DNS traffic (UDP 53) into $TMP/$1.cap for $2 s.
capture() { # ns seconds
	rm -f "$TMP/$1.cap.ready"
	bg "$1" python3 "$top/selftests/lab/capture.py" eth0 53 "$2" \
		"$TMP/$1.cap" 2>"$TMP/$1.cap.ready"
	wait_for 5 grep -q ready "$TMP/$1.cap.ready"
}

# The lab itself: each resolver asks ntsdns, unbound with ECS /24 of
# the host that asked it (GN's, GN2's), the other without; every outside
# host resolves alice to the router.
test_resolvers() {
	skipped && return 0
	dns_up || return
	capture res 15 || { fail "capture in res"; return; }
	capture res2 15 || { fail "capture in res2"; return; }
	expect_eq "GN through unbound with ECS: the router" "$(resolve gn)" $RTR
	# A new unbound: GN2's query must reach ntsdns here whatever
	# ntsdns's answer to GN said (answer_scoped is about that): scope 0,
	# for everyone, and unbound would answer GN2 from its cache for the
	# rest of that second, TTL 0 or not.
	unbound_stop res
	unbound_start res $RES ecs || { fail "unbound with ECS, again"; return; }
	expect_eq "GN2, from another /24, through it too" "$(resolve gn2)" $RTR
	use_resolver $RES2
	expect_eq "GN through unbound without ECS: the router" \
		"$(resolve gn)" $RTR
	use_resolver $RES
	unbound_stop res
	unbound_stop res2
	kill_procs res res2 # (the captures)
	python3 "$top/selftests/lab/ecs.py" "$TMP/res.cap" >"$TMP/res.q"
	python3 "$top/selftests/lab/ecs.py" "$TMP/res2.cap" >"$TMP/res2.q"
	expect_match "unbound sent GN's /24 in ECS to ntsdns" \
		"$(cat "$TMP/res.q")" "alice\.example\.net A 198\.51\.100\.0/24"
	expect_match "and GN2's /24 for GN2" \
		"$(cat "$TMP/res.q")" "alice\.example\.net A 203\.0\.113\.0/24"
	expect_no_match "never a longer prefix (max-client-subnet-ipv4)" \
		"$(cat "$TMP/res.q")" "/(2[5-9]|3[0-2])$"
	expect_match "the other unbound asked ntsdns" \
		"$(cat "$TMP/res2.q")" "alice\.example\.net A -"
	expect_no_match "without ECS" "$(cat "$TMP/res2.q")" "alice.* [0-9.]+/[0-9]+$"
	expect_clean
}

# (a) ECS resolver, defaults: GN's curl by name reaches alice through
# a flow that the prefix entry of GN's /24 opened.
test_curl_by_name() {
	skipped && return 0
	dns_up || return
	local before
	before=$(stat rc_prefix_open) ||
		{ fail "no counter rc_prefix_open in ntsctl stats"; before=0; }
	expect_eq "GN resolves alice: the router" "$(resolve gn)" $RTR
	expect_match "the router expects GN's /24" "$($NTSCTL rc)" \
		"(^|$NL)198\.51\.100\.0/24 +$RTR +$PN +alice\.example\.net .* no($NL|$)"
	expect_gt "a prefix NOTICE accepted" "$(stat nego_prefix)" 0
	expect_match "ntsdns negotiated for GN's /24" "$(cat "$LOG")" \
		"alice\.example\.net for 198\.51\.100\.0/24 via $RTR: ACCEPT"
	expect_gt "and counted it" "$(ntsdns_counter ecs_prefix)" 0
	expect_eq "GN's curl by name: alice's page" "$(fetch gn)" "alice's page"
	expect_match "through a flow from the request cache" \
		"$($NTSCTL nat | grep '^tcp')" \
		"^tcp +$PN:8080 +$RTR:8080 +$GN:[0-9]+ .* rc$"
	expect_gt "counted as opened by a prefix entry" \
		"$(stat rc_prefix_open)" "$before"
	expect_match "the entry is GN's now, made for its /24" "$($NTSCTL rc)" \
		"(^|$NL)$GN +$RTR +$PN +alice\.example\.net .* yes, of a /24"
	expect_clean
}

# ntsdns's answer says it was for GN's /24 (ECS scope 24), so that
# unbound keeps it for that /24 alone: GN2, asking right after, is not
# answered from GN's (TTL 0 still serves the rest of the second), and
# its own /24 is negotiated.
test_answer_scoped() {
	skipped && return 0
	dns_up || return
	capture res 15 || { fail "capture in res"; return; }
	expect_eq "GN resolves alice" "$(resolve gn)" $RTR
	expect_eq "GN2 at once" "$(resolve gn2)" $RTR
	unbound_stop res
	kill_procs res # (the capture)
	python3 "$top/selftests/lab/ecs.py" -a "$TMP/res.cap" >"$TMP/res.a"
	expect_match "ntsdns's answer for GN: scope /24" "$(cat "$TMP/res.a")" \
		"answer alice\.example\.net A 198\.51\.100\.0/24/24"
	expect_match "for GN2: its own /24" "$(cat "$TMP/res.a")" \
		"answer alice\.example\.net A 203\.0\.113\.0/24/24"
	expect_match "both negotiated" "$(cat "$LOG")" \
		"for 198\.51\.100\.0/24 via $RTR: ACCEPT.*${NL}.*for 203\.0\.113\.0/24 via $RTR: ACCEPT"
	expect_clean
}

# (b) GN's entry is for GN's /24: a host of another /24 (GN2) that
# connects within the window does not get in by it; GN still does, and
# GN2 by its own resolution (it can reach the router: the control).
test_other_subnet_refused() {
	skipped && return 0
	# GN2's SYN goes unanswered for --connect-timeout (2 s): the
	# entry must outlast that, however slow the machine.
	router_up --rc-prefix-ttl $LONG || return
	dns_up || return
	expect_eq "GN resolves alice" "$(resolve gn)" $RTR
	expect_fail "GN2, another /24, straight to the router: no connection" \
		fetch gn2 "$DIRECT"
	expect_eq "GN, within the window: alice's page" \
		"$(fetch gn "$DIRECT")" "alice's page"
	expect_eq "GN2 by name (its own /24's entry): alice's page" \
		"$(fetch gn2)" "alice's page"
	expect_match "GN2's own /24 was negotiated" "$(cat "$LOG")" \
		"alice\.example\.net for 203\.0\.113\.0/24 via $RTR: ACCEPT"
	expect_clean
}

# (c) After --rc-prefix-ttl nobody gets in by the entry.
test_window_ends() {
	skipped && return 0
	router_up --rc-prefix-ttl $PTTL || return
	dns_up || return
	expect_eq "GN resolves alice" "$(resolve gn)" $RTR
	expect_match "the router expects GN's /24" "$($NTSCTL rc)" \
		"198\.51\.100\.0/24"
	sleep $((PTTL + 1)) # the window this test gave the router, and 1 s
	expect_fail "GN after the window: no connection" fetch gn "$DIRECT"
	expect_fail "GN3, of the same /24: none either" fetch gn3 "$DIRECT"
	expect_eq "and by name again (a new entry): alice's page" \
		"$(fetch gn)" "alice's page"
	expect_clean
}

# (d) The first packet binds the entry to its host: another host of the
# same /24 does not get in after it. Who is first does not matter: any
# host of the /24 the resolver named may be, then it alone.
test_bound_to_first_host() {
	skipped && return 0
	dns_up || return
	expect_eq "GN resolves alice" "$(resolve gn)" $RTR
	expect_eq "GN's first packet opens: alice's page" \
		"$(fetch gn "$DIRECT")" "alice's page"
	expect_match "the entry is GN's now" "$($NTSCTL rc)" \
		"(^|$NL)$GN +$RTR +$PN .* of a /24"
	expect_fail "GN3, of the same /24, after it: no connection" \
		fetch gn3 "$DIRECT"
	# The other way round: GN resolves, GN3 is first.
	router_up || return
	expect_eq "GN resolves alice again" "$(resolve gn)" $RTR
	expect_eq "GN3 first, of the /24 asked for: alice's page" \
		"$(fetch gn3 "$DIRECT")" "alice's page"
	expect_fail "then GN itself: no connection" fetch gn "$DIRECT"
	expect_clean
}

# (e) A resolver without ECS: ntsdns cannot say which network will
# connect; nothing is opened, and its log and counter say why.
test_no_ecs_refused() {
	skipped && return 0
	dns_up || return
	use_resolver $RES2
	resolve gn >/dev/null
	expect_fail "GN's curl by name through it: no connection" fetch gn
	expect_eq "no request cache entry" "$($NTSCTL rc --json)" "[]"
	expect_eq "no prefix NOTICE" "$(stat nego_prefix)" 0
	expect_match "ntsdns says why" "$(cat "$LOG")" \
		"$RES2(:[0-9]+)?: alice\.example\.net.*: no EDNS Client Subnet"
	expect_gt "and counts it" "$(ntsdns_counter no_ecs)" 0
	expect_clean
}

# (f) The same resolver, trusted by ntsdns (--trust-resolver) and the
# router taking unbound entries (--unbound-window): GN gets in within
# the window, and not after it.
test_trusted_resolver_window() {
	skipped && return 0
	router_up --unbound-window $PTTL || return
	dns_up --trust-resolver $RES2/32 || return
	use_resolver $RES2
	expect_eq "GN resolves alice" "$(resolve gn)" $RTR
	expect_match "the router lets anyone in, for a while" "$($NTSCTL rc)" \
		"(^|$NL)0\.0\.0\.0/0 +$RTR +$PN +alice\.example\.net "
	expect_gt "counted" "$(stat nego_unbound)" 0
	expect_match "ntsdns negotiated for anyone" "$(cat "$LOG")" \
		"alice\.example\.net for 0\.0\.0\.0/0 via $RTR: ACCEPT"
	expect_gt "and counted it" "$(ntsdns_counter unbound)" 0
	expect_eq "GN's curl by name: alice's page" "$(fetch gn)" \
		"alice's page"
	resolve gn >/dev/null
	sleep $((PTTL + 1)) # the window this test gave the router, and 1 s
	expect_fail "after the window: no connection" fetch gn "$DIRECT"
	expect_clean
}

# ... but the router must agree: with its default --unbound-window 0 it
# refuses such an entry, and GN does not get in.
test_trusted_resolver_router_refuses() {
	skipped && return 0
	dns_up --trust-resolver $RES2/32 || return
	use_resolver $RES2
	expect_fail "GN's curl by name: no connection" fetch gn
	expect_eq "no request cache entry" "$($NTSCTL rc --json)" "[]"
	expect_gt "the router refused it" "$(stat nego_prefix_refused)" 0
	expect_match "and said why" "$(cat "$STATE/ntsload.log")" \
		"REFUSED.*no --unbound-window"
	expect_clean
}

# What --unbound-window costs: the first packet from anyone gets in,
# here GN2's (which did not resolve) before GN's; GN is then too late.
test_unbound_window_anyone() {
	skipped && return 0
	router_up --unbound-window $PTTL || return
	dns_up --trust-resolver $RES2/32 || return
	use_resolver $RES2
	expect_eq "GN resolves alice" "$(resolve gn)" $RTR
	expect_eq "GN2, another /24, that did not resolve: alice's page" \
		"$(fetch gn2 "$DIRECT")" "alice's page"
	expect_fail "GN, after it: no connection" fetch gn "$DIRECT"
	expect_clean
}

run_tests
