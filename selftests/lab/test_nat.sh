# SPDX-License-Identifier: GPL-2.0
# The NAT with real traffic: ntsload on rtr's WAN eth0, stock programs on
# the terminals, no netfilter NAT anywhere.
AREA=nat
source "$(dirname "$0")/lib.sh"

setup_each() {
	router_stop
	router_start
}

teardown_each() {
	router_stop
	kill_procs gn pn pn2 rtr
}

http_server() {
	mkdir -p "$TMP/www"
	echo "hello from gn" >"$TMP/www/index.html"
	bg gn python3 -m http.server -b $GN -d "$TMP/www" 8080 \
		>"$TMP/http.log" 2>&1
	wait_for 5 listening gn 8080
}

test_no_netfilter_nat() {
	expect_eq "nft ruleset in rtr" "$(x rtr nft list ruleset)" ""
	expect_eq "ip_forward in rtr" "$(x rtr sysctl -n net.ipv4.ip_forward)" 1
}

test_tcp_curl() {
	http_server || fail "http server in gn did not start"
	expect_eq "page fetched from pn" \
		"$(x pn curl -s -m 5 http://$GN:8080/index.html)" "hello from gn"
	expect_match "gn saw the router's address" "$(cat "$TMP/http.log")" \
		"$RTR - - .*GET /index.html"
	expect_no_match "gn never saw alice" "$(cat "$TMP/http.log")" "10\.0\.0\."
	expect_match "the flow in ntsctl nat" "$($NTSCTL nat)" \
		"tcp +$PN:[0-9]+ +$RTR:[0-9]+ +$GN:8080"
}

test_udp_both_ways() {
	local srv
	{ sleep 1; echo pong-from-gn; sleep 2; } |
		x gn timeout 5 nc -u -l 9000 >"$TMP/gn.out" &
	srv=$!
	wait_for 5 listening_udp gn 9000
	{ echo ping-from-pn; sleep 3; } |
		x pn timeout 4 nc -u -p 5555 $GN 9000 >"$TMP/pn.out"
	wait $srv
	expect_eq "gn got pn's datagram" "$(cat "$TMP/gn.out")" "ping-from-pn"
	expect_eq "pn got gn's answer" "$(cat "$TMP/pn.out")" "pong-from-gn"
	expect_match "the flow in ntsctl nat" "$($NTSCTL nat)" \
		"udp +$PN:5555 +$RTR:5555 +$GN:9000"
}

test_ping() {
	expect_ok "ping from pn" x pn ping -c 3 -i 0.2 -W 2 $GN
	expect_ok "ping from pn2" x pn2 ping -c 2 -i 0.2 -W 2 $GN
	expect_match "icmp flows" "$($NTSCTL nat)" "icmp +$PN2:[0-9]+ +$RTR"
}

# Two inside hosts, the same source port, the same service: two mappings.
test_two_hosts_same_port() {
	bg gn nc -n -v -k -l 7000 >"$TMP/nc.log" 2>&1
	wait_for 5 listening gn 7000
	echo a | x pn nc -N -p 30000 $GN 7000
	echo b | x pn2 nc -N -p 30000 $GN 7000
	wait_for 5 bash -c "[ \$(grep -c '$RTR ' '$TMP/nc.log') -ge 2 ]"
	local ports
	ports=$(grep -o "$RTR [0-9]*" "$TMP/nc.log" | awk '{print $2}' | sort -u | xargs)
	expect_eq "gn saw two connections" "$(echo "$ports" | wc -w)" 2
	expect_match "one kept port 30000" "$ports" "(^| )30000( |$)"
	expect_no_match "no inside address at gn" "$(cat "$TMP/nc.log")" "10\.0\.0\."
}

# Nothing from outside reaches pn without a flow pn opened.
test_unsolicited_blocked() {
	bg pn nc -l 8081 >"$TMP/pn.out"
	bg pn nc -u -l 8082 >"$TMP/pn-udp.out"
	wait_for 5 listening pn 8081
	local miss
	miss=$(stat in_miss)
	expect_fail "TCP to the router's port 8081" \
		x gn bash -c "echo intruder | nc -N -w 2 $RTR 8081"
	echo intruder | x gn nc -u -w 1 $RTR 8082
	wait_for 5 stat_ge in_miss $((miss + 1))
	expect_eq "pn got nothing over TCP" "$(cat "$TMP/pn.out")" ""
	expect_eq "pn got nothing over UDP" "$(cat "$TMP/pn-udp.out")" ""
	expect_gt "the SYN dropped silently (RFC 5382 REQ-4)" \
		"$(stat in_syn_drop)" 0
	expect_gt "the datagram left to the router" "$(stat in_miss)" "$miss"
	expect_eq "nothing translated inbound" "$(stat in_xlate)" 0
}

# A mapping opened towards one remote port does not admit another one.
test_filtering() {
	local cli
	{ echo opener; sleep 3; } |
		x pn timeout 4 nc -u -p 6000 $GN 9000 >"$TMP/pn.out" &
	cli=$!
	wait_for 5 nat_has "udp +$PN:6000 "
	echo from-9001 | x gn nc -u -w 1 -p 9001 $RTR 6000
	wait $cli
	expect_eq "pn got nothing from another remote port" "$(cat "$TMP/pn.out")" ""
}

test_idle_expiry() {
	router_stop
	router_start --udp-timeout 2 --gc-interval 1
	echo hi | x pn nc -u -w 1 -p 5600 $GN 9500
	expect_match "the flow exists" "$($NTSCTL nat)" "udp +$PN:5600"
	wait_for 10 nat_lacks "$PN:5600"
	expect_no_match "the idle flow expired" "$($NTSCTL nat)" "$PN:5600"
	expect_eq "its mapping too (after the grace)" \
		"$(bpftool map dump pinned "$PINS/nat" | grep -c '"dir": 1' || true)" 0
}

# The router's own services and traffic are not NATed.
test_router_services() {
	bg rtr nc -l $RTR 2222 >"$TMP/rtr-tcp.out"
	wait_for 5 listening rtr 2222
	echo to-router | x gn nc -N $RTR 2222
	expect_eq "TCP to the router" "$(cat "$TMP/rtr-tcp.out")" "to-router"
	# ntsload itself answers on the NTS-Nego port (no key: REFUSED).
	expect_match "the NTS-Nego port answers" \
		"$(x gn "$top/build/nts-nego" --router $RTR --insecure --gn $GN a.example.net)" \
		"^REFUSED a\.example\.net"
	# The router's own outgoing traffic, replies included.
	http_server || fail "http server in gn"
	expect_eq "the router's own curl" \
		"$(x rtr curl -s -m 5 http://$GN:8080/index.html)" "hello from gn"
	expect_ok "the router's own ping" x rtr ping -c 1 -W 2 $GN
	expect_no_match "no NAT flow for the router's own traffic" \
		"$($NTSCTL nat)" "$RTR:[0-9]+ +$GN:8080"
	expect_gt "counted as local" "$(stat out_local)" 0
}

# Checksums stay right for CHECKSUM_PARTIAL skbs: pn offloads its
# checksums, rtr's WAN does not, so the kernel completes them after the
# tc program and gn verifies them.
test_checksum_partial() {
	x pn ethtool -K eth0 tx on >/dev/null
	x rtr ethtool -K eth0 tx off >/dev/null
	http_server || fail "http server in gn"
	expect_eq "TCP with partial checksums" \
		"$(x pn curl -s -m 5 http://$GN:8080/index.html)" "hello from gn"
	local srv
	{ sleep 0.5; echo pong; sleep 1; } |
		x gn timeout 3 nc -u -l 9001 >"$TMP/gn.out" &
	srv=$!
	wait_for 5 listening_udp gn 9001
	{ echo ping; sleep 1.5; } | x pn timeout 2 nc -u $GN 9001 >"$TMP/pn.out"
	wait $srv
	expect_eq "UDP with a partial checksum arrived" "$(cat "$TMP/gn.out")" "ping"
	expect_eq "and its answer came back" "$(cat "$TMP/pn.out")" "pong"
	x pn ethtool -K eth0 tx off >/dev/null
	x rtr ethtool -K eth0 tx on >/dev/null
}

# XDP forwards by redirect where the LAN device can take it, else the
# stack forwards; both work.
test_redirect_and_fallback() {
	http_server || fail "http server in gn"
	x lan ethtool -K rtr gro off >/dev/null
	sleep 1.5
	local pass redir
	pass=$(stat in_pass_stack)
	expect_eq "via the stack" "$(x pn curl -s -m 5 http://$GN:8080/)" "hello from gn"
	expect_gt "forwarded by the stack" "$(stat in_pass_stack)" "$pass"
	# GRO on the peer lets a veth take redirected frames (Linux >= 6.3
	# tells through netdev xdp-features; older kernels: stack only).
	x lan ethtool -K rtr gro on >/dev/null
	if wait_for 5 grep -q "redirect to eth1: on" "$STATE/ntsload.log"; then
		redir=$(stat in_redirect)
		expect_eq "via redirect" "$(x pn curl -s -m 5 http://$GN:8080/)" "hello from gn"
		expect_gt "redirected by XDP" "$(stat in_redirect)" "$redir"
	else
		echo "  (this kernel does not report xdp-features: redirect stays off)"
	fi
	x lan ethtool -K rtr gro off >/dev/null
}

test_generic_mode() {
	router_stop
	router_start --xdp-mode generic
	expect_match "generic XDP attached" "$(x rtr ip link show eth0)" "xdpgeneric"
	http_server || fail "http server in gn"
	expect_eq "page through generic XDP" \
		"$(x pn curl -s -m 5 http://$GN:8080/)" "hello from gn"
	expect_gt "redirected by generic XDP" "$(stat in_redirect)" 0
}
# With --lan, packets of known flows are translated at LAN ingress and
# redirected to the WAN (the fast path); the first packet of a flow, and
# everything with --no-fastpath, takes the stack and tc egress. Checksums
# hold for CHECKSUM_PARTIAL skbs (pn offloads, rtr's WAN does not).
test_fastpath() {
	router_stop
	router_start --lan eth1
	expect_match "ntsctl status says so" "$($NTSCTL status)" "fast path"
	http_server || fail "http server in gn"
	x pn ethtool -K eth0 tx on >/dev/null
	x rtr ethtool -K eth0 tx off >/dev/null
	expect_eq "page fetched from pn" \
		"$(x pn curl -s -m 5 http://$GN:8080/index.html)" "hello from gn"
	expect_no_match "gn never saw alice" "$(cat "$TMP/http.log")" "10\.0\.0\."
	expect_gt "TCP took the fast path" "$(stat fastpath)" 1
	local fast
	fast=$(stat fastpath)
	{ sleep 1; echo pong-from-gn; sleep 2; } |
		x gn timeout 5 nc -u -l 9000 >"$TMP/gn.out" &
	local srv=$!
	wait_for 5 listening_udp gn 9000
	{ echo ping-1; sleep 0.3; echo ping-2; sleep 0.3; echo ping-3; sleep 3; } |
		x pn timeout 4 nc -u -p 5555 $GN 9000 >"$TMP/pn.out"
	wait $srv
	expect_eq "gn got pn's datagrams" "$(cat "$TMP/gn.out" | xargs)" \
		"ping-1 ping-2 ping-3"
	expect_eq "pn got gn's answer" "$(cat "$TMP/pn.out")" "pong-from-gn"
	expect_gt "UDP after the first datagram: fast" "$(stat fastpath)" \
		$((fast + 1))
	expect_ok "ping from pn" x pn ping -c 3 -i 0.2 -W 2 $GN
	expect_eq "one translation a packet" "$(stat out_xlate)" \
		"$(($(stat out_pkts) - $(stat out_local)))"
	expect_eq "fast packets not counted as the router's own" \
		"$(stat out_local)" 0
	x pn ethtool -K eth0 tx off >/dev/null
	x rtr ethtool -K eth0 tx on >/dev/null
}

test_no_fastpath() {
	router_stop
	router_start --lan eth1 --no-fastpath
	http_server || fail "http server in gn"
	expect_eq "page fetched from pn" \
		"$(x pn curl -s -m 5 http://$GN:8080/index.html)" "hello from gn"
	expect_ok "ping from pn" x pn ping -c 2 -i 0.2 -W 2 $GN
	expect_eq "nothing took the fast path" "$(stat fastpath)" 0
	expect_gt "all translated at tc egress" "$(stat out_xlate)" 4
	expect_no_match "ntsctl status" "$($NTSCTL status)" "fast path"
}
run_tests
