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
	require_cmd turnserver && require_cmd turnutils_natdiscovery || return 1
	x gn ip addr add $STUN_B/24 dev eth0 2>/dev/null
	# Its pid file and database in the test's directory, not the host's.
	bg gn turnserver -n --listening-ip=$GN --listening-ip=$STUN_B \
		--listening-port=3478 --alt-listening-port=3479 --no-tls \
		--no-dtls --stun-only --no-cli --log-file=stdout \
		--pidfile "$TMP/turnserver.pid" --db "$TMP/turndb" \
		>"$TMP/turnserver.log" 2>&1
	wait_for 5 bash -c "[ -n \"\$(ip netns exec ${P}gn ss -Hlun 'sport = :3478')\" ]" ||
		fail "turnserver did not start: $(tail -3 "$TMP/turnserver.log")"
}

# What coturn's RFC 5780 client finds: "<mapping> <filtering>".
discover() {
	x pn timeout 60 turnutils_natdiscovery -m -f $GN 2>&1 |
		sed -n 's/^NAT with \(.*\) Mapping!$/\1/p; s/^NAT with \(.*\) Filtering!$/\1/p' |
		paste -sd'|'
}

kind() { # mapping filtering expected-mapping expected-filtering
	stun_server || return 0
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
	stun_server || return 0
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
	wait_for 5 cmp -s "$TMP/mb" "$TMP/far.mb"
	expect_eq "all of it arrived" "$(cmp "$TMP/mb" "$TMP/far.mb" && echo same)" same
	expect_gt "fragmentation needed translated" "$(stat in_icmp_err)" 0
	expect_match "pn learnt the path MTU" "$(x pn ip route get $FAR)" "mtu 1280"
}

# A UDP datagram of $1 bytes from ns $2 port $3 to $4:$5; prints what
# came back (its length) within 3 s.
udp_exchange() {
	x "$2" python3 - "$1" "$3" "$4" "$5" <<'PY'
import socket, sys
n, lport, dst, dport = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", lport))
s.settimeout(3)
s.sendto(bytes(range(256)) * (n // 256) + bytes(n % 256), (dst, dport))
try:
    print(len(s.recvfrom(65535)[0]))
except socket.timeout:
    print("timeout")
PY
}

# An echo server for datagrams in ns $1 on port $2: answers each with
# one of the same size, and logs the sizes to $3.
udp_echo() {
	bg "$1" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('', $2))
while True:
    d, a = s.recvfrom(65535)
    open('$3', 'a').write('%d\\n' % len(d))
    s.sendto(d, a)"
	wait_for 5 listening_udp "$1" "$2"
}

# RFC 4787 REQ-14: a 4,000-byte datagram, three fragments each way.
test_fragmented_udp() {
	router_start
	udp_echo gn 9200 "$TMP/gn.sizes"
	expect_eq "4000 bytes there and back" \
		"$(udp_exchange 4000 pn 9201 $GN 9200)" 4000
	expect_eq "gn got it whole" "$(cat "$TMP/gn.sizes")" 4000
	expect_gt "later fragments translated inbound" "$(stat in_frag_xlate)" 1
	expect_gt "and outbound" "$(stat out_frag)" 1
}

# Fragments that come last first: parked by XDP, sent on by ntsload once
# the first one is there.
test_fragments_out_of_order() {
	router_start
	# pn opens its mapping towards gn:7778 (7777 is kept: in the range)
	# and waits for an answer.
	bg pn python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('', 7777))
s.sendto(b'opener', ('$GN', 7778))
d, a = s.recvfrom(65535)
open('$TMP/pn.sizes', 'w').write('%d\\n' % len(d))"
	wait_for 5 grep -q "$PN:7777 " <($NTSCTL nat)
	# Debian's python3, where python3-scapy is.
	x gn /usr/bin/python3 - $RTR <<'PY' >"$TMP/scapy.log" 2>&1
import sys, logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IP, UDP, Raw, fragment, send
dgram = IP(dst=sys.argv[1], id=4242) / UDP(sport=7778, dport=7777) / Raw(b"z" * 3000)
frags = fragment(dgram, fragsize=1200)
send(list(reversed(frags)), verbose=False)
PY
	wait_for 5 grep -qx 3000 "$TMP/pn.sizes"
	expect_eq "pn got the datagram whole" "$(cat "$TMP/pn.sizes")" 3000
	expect_gt "fragments were parked" "$(stat in_frag_parked)" 1
}

# Two ports for TCP: two connections; the third is told at once (ICMP
# administratively prohibited), rather than left to time out.
test_port_exhaustion() {
	router_start --port-range 30000-30001
	bg gn nc -k -l 7300
	wait_for 5 listening gn 7300
	bg pn sh -c "sleep 20 | nc $GN 7300"
	bg pn sh -c "sleep 20 | nc $GN 7300"
	wait_for 5 stat_ge out_new 2
	local out
	out=$(x pn python3 -c "
import socket
s = socket.socket()
s.settimeout(5)
try:
    s.connect(('$GN', 7300))
    print('connected')
except OSError as e:
    print(e.strerror)")
	expect_eq "the third connection is refused at once" "$out" \
		"No route to host"
	expect_eq "two mappings made" "$(stat out_new_bind)" 2
	expect_gt "one refused" "$(stat out_no_port)" 0
	expect_gt "and told so" "$(stat out_no_port_icmp)" 0
	kill_procs pn
}

# RFC 5382 REQ-2: both ends connect() at once; the SYN that comes first
# to the router is dropped (no mapping yet), the other's opens the way.
test_simultaneous_open() {
	router_start
	local py='
import socket, sys, time
me, peer, pport = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", me))
s.settimeout(10)
s.connect((peer, pport))
s.sendall(b"hello from %d" % me)
print(s.recv(100).decode())'
	x gn python3 -c "$py" 25000 $RTR 24000 >"$TMP/gn.out" 2>&1 &
	local g=$!
	# gn's SYN first: the router drops it, no RST
	wait_for 5 stat_ge in_syn_drop 1
	x pn python3 -c "$py" 24000 $GN 25000 >"$TMP/pn.out" 2>&1
	wait $g
	expect_eq "pn heard gn" "$(cat "$TMP/pn.out")" "hello from 25000"
	expect_eq "gn heard pn" "$(cat "$TMP/gn.out")" "hello from 24000"
	# Silently: gn's connect() got no RST, or it would not have heard
	# pn. gn's SYN is sent again after 1 s while pn's python starts,
	# which under TCG can take longer: those are dropped too.
	expect_gt "gn's SYN was dropped" "$(stat in_syn_drop)" 0
}

# A UDP socket in ns $1 bound to port $2: sends "$5" to $3:$4 (if $3),
# then prints "<size> from <addr>:<port>" of what it gets within 3 s.
udp_peer() {
	x "$1" python3 -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('', $2))
s.settimeout(3)
if '$3': s.sendto(b'$5', ('$3', $4))
try:
    d, a = s.recvfrom(1000)
    print(d.decode(), 'from %s:%d' % a)
    s.sendto(b'back', a)
except socket.timeout:
    print('timeout')"
}

# RFC 4787 REQ-9: alice reaches bob at his external endpoint, and he sees
# her external endpoint. Port-restricted: both must have sent first.
test_hairpin_udp() {
	router_start --hairpin --lan eth1
	# bob punches towards alice's external endpoint, which she'll have
	# at port 6000 (kept: in the range); that first packet is filtered.
	udp_peer pn2 5000 $RTR 6000 punch >"$TMP/bob" &
	local b=$!
	wait_for 5 stat_ge hairpin_filtered 1
	expect_eq "alice gets bob's answer from his external endpoint" \
		"$(udp_peer pn 6000 $RTR 5000 hello)" "back from $RTR:5000"
	wait $b
	expect_eq "bob got alice from her external endpoint" \
		"$(cat "$TMP/bob")" "hello from $RTR:6000"
	expect_gt "hairpinned" "$(stat hairpin)" 1
	expect_gt "the unsolicited first one filtered" \
		"$(stat hairpin_filtered)" 0
}

# Full cone: a mapping bob made towards gn is open to alice too, over UDP
# and TCP (RFC 5382 REQ-8).
test_hairpin_full_cone() {
	router_start --hairpin --lan eth1 --filtering eif
	bg gn nc -k -l 9000
	wait_for 5 listening gn 9000
	bg pn2 python3 -c "
import socket, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(('', 5000)); u.sendto(b'open', ('$GN', 9001))
c = socket.socket(); c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
c.bind(('', 8000)); c.connect(('$GN', 9000))
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(('', 8000)); l.listen()
d, a = u.recvfrom(100); u.sendto(b'udp back', a)
open('$TMP/bob-udp', 'w').write('%s:%d' % a)
t, a = l.accept(); t.sendall(b'tcp hello from bob')
open('$TMP/bob-tcp', 'w').write('%s:%d' % a)
time.sleep(1)"
	wait_for 5 grep -q "$PN2:5000 " <($NTSCTL nat)
	wait_for 5 grep -q "$PN2:8000 " <($NTSCTL nat)
	expect_eq "UDP: alice reaches bob's mapping" \
		"$(udp_peer pn 6001 $RTR 5000 hi)" "udp back from $RTR:5000"
	expect_match "bob saw alice's external endpoint" "$(cat "$TMP/bob-udp")" \
		"^$RTR:"
	expect_eq "TCP: alice connects to bob's mapped port" \
		"$(x pn timeout 5 nc -N $RTR 8000 </dev/null)" "tcp hello from bob"
	expect_match "bob saw alice's external endpoint" "$(cat "$TMP/bob-tcp")" \
		"^$RTR:"
}

test_no_hairpin_by_default() {
	router_start --filtering eif
	rm -f "$TMP/bob-udp"
	bg pn2 python3 -c "
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(('', 5000)); u.sendto(b'open', ('$GN', 9001))
d, a = u.recvfrom(100); open('$TMP/bob-udp', 'w').write('got')"
	wait_for 5 grep -q "$PN2:5000 " <($NTSCTL nat)
	expect_eq "without --hairpin, nothing" "$(udp_peer pn 6001 $RTR 5000 hi)" \
		"timeout"
	expect_eq "bob got nothing" "$(cat "$TMP/bob-udp" 2>/dev/null)" ""
}

run_tests
