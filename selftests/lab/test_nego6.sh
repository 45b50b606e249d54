# SPDX-License-Identifier: GPL-2.0
# NTS-Nego for IPv6 GNs (issue 19): a NEGO_F_V6 NOTICE opens the IPv6
# firewall to one inside host for one GN address. nts-nego plays the NTS
# server, stock curl and python3 play GN and alice.
AREA=nego6
source "$(dirname "$0")/lib.sh"

NEGO="$top/build/nts-nego"
GN6=2001:db8:100::10
OTHER6=2001:db8:100::11
PN6=2001:db8:1::10
PREFIX6=2001:db8:1::/64

setup_each() {
	[ -f "$TMP/nts.key" ] ||
		tsig-keygen -a hmac-sha256 nts-key >"$TMP/nts.key"
	router_stop
	router_start -k "$TMP/nts.key" --lan-prefix $PREFIX6
	mkdir -p "$TMP/www"
	echo "alice's v6 page" >"$TMP/www/index.html"
	bg pn python3 -m http.server -d "$TMP/www" -b :: 8080
	wait_for 5 listening pn 8080
}

teardown_each() {
	router_stop
	kill_procs gn pn
	x gn ip addr del $OTHER6/64 dev eth0 2>/dev/null
	return 0
}

notice6() { # name
	x gn "$NEGO" --router $RTR -k "$TMP/nts.key" --gn $GN6 "$1"
}

fetch6() { # [curl options]
	x gn curl -6 -s -m 3 "$@" "http://[$PN6]:8080/"
}

test_accept_opens_the_way() {
	expect_fail "no way in before the NOTICE" fetch6
	expect_ok "phl add with an IPv6 address" \
		$NTSCTL phl add alice.example.net $PN6
	expect_match "ACCEPT with alice's IPv6 address" \
		"$(notice6 alice.example.net)" \
		"^ACCEPT alice\.example\.net for $GN6 .*answer with $PN6.*signed by nts-key"
	expect_match "ntsctl rc lists the rc6 entry" "$($NTSCTL rc)" \
		"$GN6 +$PN6 +alice\.example\.net .* no$"
	expect_eq "GN reaches alice's page over IPv6" "$(fetch6)" \
		"alice's v6 page"
	expect_match "the rc6 entry was used" "$($NTSCTL rc)" "yes$"
	expect_match "ntsctl rc --json: family ipv6" "$($NTSCTL rc --json)" \
		"\"family\": \"ipv6\", \"gn\": \"$GN6\", \"inside\": \"$PN6\""
	expect_gt "the flow was opened from rc6" "$(stat fw6_rc_open)" 0
}

test_phl6_listed_and_deleted() {
	$NTSCTL phl add alice.example.net $PN6
	expect_match "ntsctl phl lists the IPv6 name" "$($NTSCTL phl)" \
		"alice\.example\.net +$PN6 .* never +static$"
	expect_match "JSON: family ipv6, static" "$($NTSCTL phl --json)" \
		"\"family\": \"ipv6\", \"name\": \"alice\.example\.net\", \"inside\": \"$PN6\".*\"static\": true"
	expect_ok "JSON parses" sh -c "$NTSCTL phl --json | python3 -m json.tool"
	expect_ok "phl del" $NTSCTL phl del alice.example.net
	expect_eq "gone from phl6" "$($NTSCTL phl --json)" "[]"
	expect_match "then REJECT" "$(notice6 alice.example.net)" "^REJECT"
	expect_fail "a second del: no such name" \
		$NTSCTL phl del alice.example.net
}

test_unknown_name_rejected() {
	local out rc
	out=$(notice6 carol.example.net)
	rc=$?
	expect_match "REJECT" "$out" "^REJECT carol\.example\.net for $GN6"
	expect_eq "exit status 1" "$rc" 1
	expect_fail "and no way in" fetch6
}

test_other_gn_not_admitted() {
	x gn ip addr add $OTHER6/64 dev eth0 nodad
	$NTSCTL phl add alice.example.net $PN6
	notice6 alice.example.net >/dev/null
	expect_fail "another address of GN's stays out" \
		fetch6 --interface $OTHER6
	expect_eq "GN itself gets in" "$(fetch6 --interface $GN6)" \
		"alice's v6 page"
}

# Issue 20: a NOTICE for GN's IPv6 network (ECS /56, Google Public DNS's
# length): its first host in, bound to it; shorter than --rc-min-prefix6
# refused.
test_prefix6_first_host_only() {
	x gn ip addr add $OTHER6/64 dev eth0 nodad
	$NTSCTL phl add alice.example.net $PN6
	expect_match "ACCEPT for the /56" \
		"$(x gn "$NEGO" --router $RTR -k "$TMP/nts.key" \
			--gn 2001:db8:100::/56 alice.example.net)" \
		"^ACCEPT alice\.example\.net for 2001:db8:100::/56 .*answer with $PN6"
	expect_match "ntsctl rc shows the network's entry" "$($NTSCTL rc)" \
		"2001:db8:100::/56 +$PN6 +alice\.example\.net .* no"
	expect_eq "a host of the /56 reaches alice" \
		"$(fetch6 --interface $OTHER6)" "alice's v6 page"
	expect_match "the entry is that host's now" "$($NTSCTL rc)" \
		"$OTHER6 +$PN6 +alice\.example\.net .* yes, of a /56"
	expect_fail "GN, another host of it, cannot" fetch6 --interface $GN6
	expect_eq "counted" "$(stat rc_prefix_open)" 1
	expect_eq "a network's NOTICE counted" "$(stat nego_prefix)" 1
	expect_match "a /48 is too short" \
		"$(x gn "$NEGO" --router $RTR -k "$TMP/nts.key" \
			--gn 2001:db8::/48 alice.example.net)" "^REFUSED"
	expect_match "and logged why" "$(tail -1 "$STATE/ntsload.log")" \
		"shorter than --rc-min-prefix6 56"
}

run_tests
