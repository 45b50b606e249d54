# SPDX-License-Identifier: GPL-2.0
# The router's IPv6 firewall (issue 19, RFC 6092) with stock tools: alice
# goes out over IPv6, what she did not ask for stays out, ping -6 and
# path MTU discovery across a 1280-byte link work, IPv4 is as it was.
AREA=fw6
source "$(dirname "$0")/lib.sh"

GN6=2001:db8:100::10
PN6=2001:db8:1::10
PREFIX6=2001:db8:1::/64
# Beyond gn, over a link of IPv6's minimum MTU: gn is a router there.
FAR6=2001:db8:200::20

setup_each() {
	router_stop
	router_start --lan-prefix $PREFIX6
	bg gn python3 -m http.server -b :: 8080
	bg pn python3 -m http.server -b :: 8081
	wait_for 5 listening gn 8080 && wait_for 5 listening pn 8081
}

teardown_each() {
	router_stop
	kill_procs gn pn far
	return 0
}

test_alice_goes_out() {
	expect_ok "alice's curl -6 to GN" \
		x pn curl -s -m 5 -o /dev/null "http://[$GN6]:8080/"
	expect_gt "the flow opened from inside" "$(stat fw6_out_new)" 0
	expect_match "ntsctl nat lists it" "$($NTSCTL nat)" "$PN6.*$GN6"
	expect_ok "alice's ping -6 to GN" x pn ping -6 -c 2 -W 2 $GN6
}

test_unsolicited_dropped() {
	local before
	before=$(stat fw6_in_drop)
	expect_fail "GN's curl -6 to alice, unasked" \
		x gn curl -s -m 2 -o /dev/null "http://[$PN6]:8081/"
	expect_fail "GN's ping -6 to alice, unasked" \
		x gn ping -6 -c 1 -W 1 $PN6
	expect_gt "dropped and counted" "$(stat fw6_in_drop)" "$before"
	expect_ok "the router's own address still answers" \
		x gn ping -6 -c 1 -W 2 2001:db8:100::2
}

test_firewall_off_without_prefix() {
	router_stop
	router_start
	expect_ok "no inside prefix: IPv6 passes as before" \
		x gn curl -s -m 5 -o /dev/null "http://[$PN6]:8081/"
}

# far sits behind gn on a 1280-byte link: gn's Packet Too Big to alice
# must cross the router's XDP inbound for her upload to get through.
test_path_mtu_1280() {
	ip netns add "${P}far"
	ip -n "${P}far" link set lo up
	ip -n "${P}gn" link add eth1 mtu 1280 type veth peer name eth0 \
		mtu 1280 netns "${P}far"
	ip -n "${P}gn" addr add 2001:db8:200::1/64 dev eth1 nodad
	ip -n "${P}far" addr add $FAR6/64 dev eth0 nodad
	ip -n "${P}gn" link set eth1 up
	ip -n "${P}far" link set eth0 up
	# far advertises a 1500-byte path's MSS: only gn's Packet Too Big
	# can teach alice the 1280 bytes.
	ip -n "${P}far" -6 route add default via 2001:db8:200::1 advmss 1440
	x gn sysctl -qw net.ipv6.conf.all.forwarding=1
	x rtr ip -6 route add 2001:db8:200::/64 via $GN6
	defer "x rtr ip -6 route del 2001:db8:200::/64"
	bg far sh -c "nc -6 -l -p 9000 | wc -c >$TMP/far-got"
	wait_for 5 listening far 9000
	head -c 200000 /dev/zero | x pn nc -6 -q 1 -w 5 $FAR6 9000
	wait_for 5 test -s "$TMP/far-got"
	expect_eq "200000 bytes across the 1280-byte link" \
		"$(tr -d ' ' <"$TMP/far-got")" 200000
	expect_gt "gn's Packet Too Big let in as the flow's" \
		"$(stat fw6_icmp_err)" 0
}

test_ipv4_unchanged() {
	bg gn python3 -m http.server -b 0.0.0.0 8082
	wait_for 5 listening gn 8082
	expect_ok "alice's curl over IPv4, NAT as before" \
		x pn curl -s -m 5 -o /dev/null "http://198.51.100.10:8082/"
}

run_tests
