# SPDX-License-Identifier: GPL-2.0
# Cascaded NTS routers (the paper's slides 22-23): carol is behind rtr2,
# which is an inside host of rtr. One nsupdate teaches both routers; a
# NOTICE to rtr is relayed to rtr2; GN's packets cross both.
AREA=cascade
source "$(dirname "$0")/lib.sh"

DDNS=198.51.100.54
RTR2=10.0.0.2
PN3=10.1.0.10
NEGO="$top/build/nts-nego"
CTL2="$top/build/ntsctl -P $STATE/bpf/rtr2"

# rtr2 on rtr's LAN (10.0.0.2), its own LAN 10.1.0.0/24 with carol.
cascade_up() {
	[ -e "/run/netns/${P}rtr2" ] && return 0
	router2_up rtr2 pn3 lan $RTR2 10.1.0 10.0.0.1
	tsig-keygen -a hmac-sha256 inner-key >"$TMP/inner.key"
}

rtr2_start() { router2_start rtr2 "$TMP/inner.key" "$@"; }
rtr2_stop() { router2_stop rtr2; }

register() { # host name
	printf 'server %s\nzone example.net\nupdate add %s.example.net 300 A %s\nsend\n' \
		$DDNS "$2" $RTR | x "$1" nsupdate -k "$STATE/ddns.key"
}

notice() { # name
	x gn "$NEGO" --router $RTR -k "$STATE/nts.key" --gn $GN --timeout 3000 "$1"
}

setup_each() {
	cascade_up
	router_stop
	rtr2_stop
	rtr2_start
	# (with the lab's NTS-Nego key, the one ntsdns signs with)
	router_start --inner-key "$TMP/inner.key"
	register pn3 carol
	mkdir -p "$TMP/www"
	echo "carol's page" >"$TMP/www/index.html"
	bg pn3 python3 -m http.server -d "$TMP/www" 8080 >/dev/null 2>&1
	wait_for 5 listening pn3 8080
}

teardown_each() {
	$NETLAB ntsdns-stop
	router_stop
	rtr2_stop
	kill_procs gn pn pn2 pn3
}

test_both_routers_learn_carol() {
	expect_match "rtr: carol is behind rtr2" "$($NTSCTL phl)" \
		"carol\.example\.net +$RTR2 "
	expect_match "rtr2: carol is carol" "$($CTL2 phl)" \
		"carol\.example\.net +$PN3 "
}

test_gn_reaches_carol() {
	expect_fail "no way in without a NOTICE" \
		x gn curl -s -m 3 http://$RTR:8080/
	expect_match "ACCEPT after the inner router's" "$(notice carol.example.net)" \
		"^ACCEPT carol\.example\.net for $GN"
	expect_match "relayed" "$(cat "$STATE/ntsload.log")" \
		"ACCEPT carol\.example\.net for GN $GN: $RTR2 \(the inner router's answer\)"
	expect_eq "GN reaches carol through both" \
		"$(x gn curl -s -m 3 http://$RTR:8080/)" "carol's page"
	expect_match "rtr's flow goes to rtr2" "$($NTSCTL nat)" \
		"tcp +$RTR2:8080 +$RTR:8080 +$GN:[0-9]+ .* rc"
	expect_match "rtr2's flow to carol" "$($CTL2 nat)" \
		"tcp +$PN3:8080 +$RTR2:8080 +$GN:[0-9]+ .* rc"
}

# The whole method through two routers, with stock programs on GN.
test_gn_reaches_carol_by_name() {
	$NETLAB ntsdns-start
	expect_eq "curl by name, through both routers" \
		"$(x gn curl -s -m 5 http://carol.example.net:8080/)" "carol's page"
	expect_match "ntsdns negotiated with the outer router" \
		"$(cat "$STATE/ntsdns.log")" \
		"carol\.example\.net for $GN via $RTR: ACCEPT"
	expect_match "which relayed to the inner one" "$($CTL2 nat)" \
		"tcp +$PN3:8080 +$RTR2:8080 +$GN:[0-9]+ .* rc"
}

test_inner_reject_passed_on() {
	# rtr thinks dave is behind rtr2; rtr2 has never heard of him.
	$NTSCTL phl add dave.example.net $RTR2
	expect_match "REJECT from inside" "$(notice dave.example.net)" \
		"^REJECT dave\.example\.net"
	expect_eq "and no RC entry left at rtr" \
		"$($NTSCTL rc --json)" "[]"
}

test_plain_host_not_a_router() {
	register pn alice
	expect_match "alice: ACCEPT" "$(notice alice.example.net)" \
		"^ACCEPT alice"
	expect_match "rtr learnt she is a host (ICMP unreachable)" \
		"$(cat "$STATE/ntsload.log")" "alice\.example\.net .*a host, not a router"
}

test_inner_router_down() {
	expect_match "first, rtr learns rtr2 is a router" \
		"$(notice carol.example.net)" "^ACCEPT"
	rtr2_stop
	expect_match "rtr2 gone: REFUSED" "$(notice carol.example.net)" \
		"^REFUSED carol"
	expect_match "it said so" "$(tail -1 "$STATE/ntsload.log")" \
		"the inner router is down"
}

run_tests
