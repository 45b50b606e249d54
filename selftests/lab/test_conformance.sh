# SPDX-License-Identifier: GPL-2.0
# NAT behaviour against the IETF behavioural RFCs (4787, 5382, 5508) and
# the four NAT kinds of the paper's appendix, checked with real clients.
AREA=conformance
source "$(dirname "$0")/lib.sh"

STUN_B=198.51.100.11

teardown_each() {
	router_stop
	kill_procs gn pn pn2
	x rtr nft flush ruleset
}

stun_server() {
	x gn ip addr add $STUN_B/24 dev eth0 2>/dev/null
	# Its pid file and database in the test's directory, not the host's.
	bg gn turnserver -n --listening-ip=$GN --listening-ip=$STUN_B \
		--listening-port=3478 --alt-listening-port=3479 --no-tls \
		--no-dtls --stun-only --no-cli --log-file=stdout \
		--pidfile "$TMP/turnserver.pid" --db "$TMP/turndb" \
		>"$TMP/turnserver.log" 2>&1
	wait_for 5 bash -c "[ -n \"\$(ip netns exec ${P}gn ss -Hlun 'sport = :3478')\" ]"
}

# What coturn's RFC 5780 client finds: "<mapping> <filtering>".
discover() {
	x pn timeout 60 turnutils_natdiscovery -m -f $GN 2>&1 |
		sed -n 's/^NAT with \(.*\) Mapping!$/\1/p; s/^NAT with \(.*\) Filtering!$/\1/p' |
		paste -sd'|'
}

kind() { # mapping filtering expected-mapping expected-filtering
	stun_server
	router_start --mapping "$1" --filtering "$2"
	expect_eq "$1+$2" "$(discover)" "$3|$4"
}

test_full_cone() {
	kind eim eif "Endpoint Independent" "Endpoint Independent"
}

test_restricted_cone() {
	kind eim adf "Endpoint Independent" "Address Dependent"
}

test_port_restricted_cone() {
	kind eim apdf "Endpoint Independent" "Address and Port Dependent"
}

test_symmetric() {
	kind apdm apdf "Address and Port Dependent" "Address and Port Dependent"
}

test_address_dependent_mapping() {
	kind adm apdf "Address Dependent" "Address and Port Dependent"
}

# What Linux's own masquerade looks like to the same client.
test_nftables_masquerade_for_comparison() {
	stun_server
	x rtr nft -f - <<'NFT'
table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat;
		oifname "eth0" masquerade
	}
}
NFT
	expect_eq "nftables masquerade" "$(discover)" \
		"Endpoint Independent|Address and Port Dependent"
}

# Beyond gn, the Internet goes on: gn routes to mid over a link of MTU
# 1280, mid to far (203.0.113.0/24, TEST-NET-3). Namespaces of this lab.
MID=203.0.113.2
FAR=203.0.113.6
far_up() {
	local n
	[ -e "/run/netns/${P}far" ] && return 0
	for n in mid far; do
		ip netns add "$P$n"
		ip -n "$P$n" link set lo up
	done
	ip -n ${P}gn link add eth1 type veth peer name eth0 netns ${P}mid
	ip -n ${P}mid link add eth1 type veth peer name eth0 netns ${P}far
	ip -n ${P}gn addr add 203.0.113.1/30 dev eth1
	ip -n ${P}gn link set eth1 mtu 1280 up
	ip -n ${P}mid addr add $MID/30 dev eth0
	ip -n ${P}mid link set eth0 mtu 1280 up
	ip -n ${P}mid addr add 203.0.113.5/30 dev eth1
	ip -n ${P}mid link set eth1 up
	ip -n ${P}far addr add $FAR/30 dev eth0
	ip -n ${P}far link set eth0 up
	ip -n ${P}gn route add 203.0.113.4/30 via $MID
	ip -n ${P}mid route add default via 203.0.113.1
	ip -n ${P}far route add default via 203.0.113.5
	ip -n ${P}rtr route add 203.0.113.0/24 via $GN
	x gn sysctl -qw net.ipv4.ip_forward=1
	x mid sysctl -qw net.ipv4.ip_forward=1
	for n in mid far; do
		x $n ethtool -K eth0 tx off >/dev/null
	done
}

# Every hop answers: rtr from inside, gn and mid with time exceeded and
# far with port unreachable, the last three translated back to pn.
test_traceroute() {
	far_up
	router_start
	local out
	out=$(x pn traceroute -n -q 1 -w 2 $FAR 2>&1)
	expect_match "hop 1: the router" "$out" $'\n 1  10\.0\.0\.1 '
	expect_match "hop 2: gn (time exceeded)" "$out" $'\n 2  198\.51\.100\.10 '
	expect_match "hop 3: mid (time exceeded)" "$out" $'\n 3  203\.0\.113\.2 '
	expect_match "hop 4: far (port unreachable)" "$out" $'\n 4  203\.0\.113\.6 '
	expect_gt "errors translated" "$(stat in_icmp_err)" 2
}

# Path MTU discovery through the NAT: pn sends 1 MB to far over a path
# whose narrowest link is 1280; gn's "fragmentation needed" must reach pn.
test_pmtu() {
	far_up
	router_start
	head -c 1048576 /dev/urandom >"$TMP/mb"
	bg far bash -c "nc -l 9100 > $TMP/far.mb"
	wait_for 5 listening far 9100
	expect_ok "1 MB from pn to far" \
		x pn timeout 30 nc -N $FAR 9100 <"$TMP/mb"
	sleep 0.5
	expect_eq "all of it arrived" "$(cmp "$TMP/mb" "$TMP/far.mb" && echo same)" same
	expect_gt "fragmentation needed translated" "$(stat in_icmp_err)" 0
	expect_match "pn learnt the path MTU" "$(x pn ip route get $FAR)" "mtu 1280"
}

run_tests
