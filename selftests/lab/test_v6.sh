# SPDX-License-Identifier: GPL-2.0
# Issue 19's acceptance, end to end with stock programs on the terminals:
# alice registers her A (the router) and her AAAA (her own IPv6 address)
# with nsupdate; GN's glibc resolver asks ntsdns over IPv6, ntsdns
# negotiates a NOTICE v6 with the router, and curl -6 by name reaches
# alice through the router's IPv6 firewall, which lets nothing else in.
AREA=v6
source "$(dirname "$0")/lib.sh"

DDNS=198.51.100.54
GN6=2001:db8:100::10
NTSS6=2001:db8:100::53
DDNS6=2001:db8:100::54
PN6=2001:db8:1::10
PREFIX6=2001:db8:1::/64
URL=http://alice.example.net:8080/
export NTSDNS=${NTSDNS_BIN:-$top/build/ntsdns-san}
LOG=$STATE/ntsdns.log
RESOLV=/etc/netns/${P}gn/resolv.conf

setup_each() {
	[ -x "$NTSDNS" ] || { fail "$NTSDNS is missing: make selftests"; return 1; }
	router_stop
	router_start --lan-prefix $PREFIX6 --rc-ttl 4
	$NETLAB ntsdns-start -l "[$NTSS6]:53"
	web pn "alice's page"
	web gn "GN's page"
	resolver "$NTSS6"
}

teardown_each() {
	resolver 198.51.100.53
	$NETLAB ntsdns-stop
	router_stop
	kill_procs gn pn pn2
	return 0
}

# GN's stock resolver asks ntsdns at $1.
resolver() { echo "nameserver $1" >"$RESOLV"; }

register() { # A and AAAA for alice
	printf 'server %s\nzone example.net\nupdate add alice.example.net 300 A %s\nupdate add alice.example.net 300 AAAA %s\nsend\n' \
		$DDNS $RTR $PN6 | x pn nsupdate -k "$STATE/ddns.key"
}

web() { # host page: on IPv4 and IPv6
	mkdir -p "$TMP/www-$1"
	echo "$2" >"$TMP/www-$1/index.html"
	bg "$1" python3 -m http.server -b :: -d "$TMP/www-$1" 8080 \
		>/dev/null 2>&1
	wait_for 5 listening "$1" 8080
}

fetch() { x gn curl -s -m 5 "$@" "$URL"; }

registered() {
	$NTSCTL phl | grep -q "alice\.example\.net .*$PN6" &&
		$NTSCTL phl | grep -qE "alice\.example\.net +$PN "
}

test_curl6_by_name() {
	expect_ok "nsupdate from pn, A and AAAA" register
	wait_for 5 registered
	expect_match "the PHL has her IPv4 address" "$($NTSCTL phl)" \
		"alice\.example\.net +$PN "
	expect_match "and her IPv6 address" "$($NTSCTL phl)" \
		"alice\.example\.net .*$PN6"
	expect_eq "curl -6 by name: alice's page" "$(fetch -6)" "alice's page"
	expect_match "through a flow the request cache opened" \
		"$($NTSCTL nat)" "$PN6.*$GN6.*rc"
	expect_match "ntsdns negotiated for GN's IPv6 address" "$(cat "$LOG")" \
		"alice\.example\.net for $GN6 via $RTR: ACCEPT"
	expect_no_match "no sanitizer report" "$(cat "$LOG")" \
		"Sanitizer|runtime error"
}

test_only_the_gn_that_resolved() {
	register >/dev/null
	wait_for 5 registered
	expect_fail "GN before it resolved: dropped" \
		x gn curl -s -m 2 "http://[$PN6]:8080/"
	expect_gt "counted as unsolicited" "$(stat fw6_in_drop)" 0
	expect_ok "GN resolves" x gn getent ahostsv6 alice.example.net
	expect_fail "another outside host (ddns) that did not resolve: dropped" \
		x ddns curl -s -m 1 "http://[$PN6]:8080/"
	expect_eq "GN, within the window" \
		"$(x gn curl -s -m 2 "http://[$PN6]:8080/")" "alice's page"
	expect_ok "GN resolves again" x gn getent ahostsv6 alice.example.net
	sleep 5
	local drops=$(stat fw6_in_drop)
	expect_fail "GN after the window: dropped" \
		x gn curl -s -m 2 "http://[$PN6]:8080/"
	expect_gt "counted" "$(stat fw6_in_drop)" "$drops"
}

# An IPv6-only name: no A record says which router; --v6-router does.
test_ipv6_only_name_by_prefix() {
	$NETLAB ntsdns-stop
	$NETLAB ntsdns-start -l "[$NTSS6]:53" \
		--v6-router "2001:db8:1::/64=$RTR"
	printf 'server %s\nzone example.net\nupdate add bob.example.net 300 AAAA %s\nsend\n' \
		$DDNS $PN6 | x pn nsupdate -k "$STATE/ddns.key"
	wait_for 5 sh -c "$NTSCTL phl | grep -q 'bob\.example\.net'"
	expect_eq "curl -6 by name: alice's page" \
		"$(x gn curl -s -m 5 -6 http://bob.example.net:8080/)" \
		"alice's page"
	printf 'server %s\nzone example.net\nupdate delete bob.example.net\nsend\n' \
		$DDNS | x pn nsupdate -k "$STATE/ddns.key"
}

test_alice_goes_out() {
	expect_eq "alice's curl -6 to GN" \
		"$(x pn curl -s -m 5 "http://[$GN6]:8080/")" "GN's page"
	expect_ok "alice's ping -6 to GN" x pn ping -6 -c 2 -W 2 $GN6
}

# A dual-stack GN: Happy Eyeballs in curl, glibc asking ntsdns over one
# family. ntsdns negotiates that family and withholds the other.
test_dual_stack_gn() {
	register >/dev/null
	wait_for 5 registered
	expect_eq "resolver over IPv6: only the negotiated AAAA" \
		"$(x gn getent ahosts alice.example.net | awk '{print $1}' | sort -u)" \
		"$PN6"
	expect_eq "curl by name, family left to it" "$(fetch)" "alice's page"
	expect_match "IPv6 negotiated" "$($NTSCTL rc)" "$GN6"
	resolver 198.51.100.53
	expect_eq "resolver over IPv4: only the negotiated A" \
		"$(x gn getent ahosts alice.example.net | awk '{print $1}' | sort -u)" \
		"$RTR"
	expect_eq "curl by name again" "$(fetch)" "alice's page"
	expect_match "IPv4 negotiated" "$($NTSCTL rc)" "$GN +$RTR +$PN "
	expect_match "both families negotiated for GN" "$(cat "$LOG")" \
		"for $GN via $RTR: ACCEPT"
}

run_tests
