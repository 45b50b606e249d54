# SPDX-License-Identifier: GPL-2.0
# AAAA registrations (issue 19): real nsupdate from alice to real BIND,
# over IPv4 and over IPv6, snooped by ntsload into the IPv6 PHL.
AREA=reg6
source "$(dirname "$0")/lib.sh"

DDNS=198.51.100.54
DDNS6=2001:db8:100::54
KEY=$STATE/ddns.key
PREFIX6=2001:db8:1::/64
PN6=2001:db8:1::10

setup_each() {
	router_stop
	router_start --lan-prefix $PREFIX6 --ddns-server6 "[$DDNS6]:53"
}

teardown_each() {
	router_stop
	printf 'server %s\nzone example.net\nupdate delete alice.example.net\nsend\n' \
		$DDNS | x pn nsupdate -k "$KEY" >/dev/null 2>&1
	return 0
}

# nsupdate from pn to server $1 with key file $2 ('' for none): the rest
# are update lines.
upd() {
	local server=$1 key=$2
	shift 2
	{
		echo "server $server"
		echo "zone example.net"
		printf '%s\n' "$@"
		echo send
	} | x pn nsupdate ${key:+-k "$key"}
}

# The IPv6 PHL's address for name $1 (pinned phl6, read with bpftool).
phl6_of() {
	bpftool -j map dump pinned "$STATE/bpf/eth0/phl6" | /usr/bin/python3 -c "
import json, socket, sys
try:
    for e in json.load(sys.stdin):
        f = e['formatted']
        if f['key']['name'] != '$1':
            continue
        print(socket.inet_ntop(socket.AF_INET6, b''.join(
            (x & 0xffffffff).to_bytes(4, 'little')
            for x in f['value']['addr']['a'])))
except Exception as err:
    print('unreadable phl6 dump:', err)"
}

test_aaaa_over_ipv4() {
	expect_ok "nsupdate over IPv4, A and AAAA" \
		upd $DDNS "$KEY" "update add alice.example.net 300 A 198.51.100.2" \
		"update add alice.example.net 300 AAAA $PN6"
	expect_eq "the IPv6 PHL has alice's address" \
		"$(phl6_of alice.example.net)" "$PN6"
	expect_match "the IPv4 PHL has alice too" "$($NTSCTL phl)" \
		"alice\.example\.net +10\.0\.0\.10 "
	expect_eq "BIND has the AAAA" \
		"$(x gn dig +short AAAA @$DDNS alice.example.net)" "$PN6"
}

test_aaaa_over_ipv6() {
	expect_ok "nsupdate over IPv6" \
		upd $DDNS6 "$KEY" "update add alice.example.net 300 AAAA $PN6"
	expect_eq "learnt from the IPv6 transport" \
		"$(phl6_of alice.example.net)" "$PN6"
	expect_gt "committed" "$(stat phl6_add)" 0
}

test_aaaa_outside_ignored() {
	expect_ok "BIND takes an AAAA outside the inside prefix" \
		upd $DDNS6 "$KEY" "update add alice.example.net 300 AAAA 2001:db8:2::10"
	expect_eq "the router does not" "$(phl6_of alice.example.net)" ""
	expect_gt "counted" $(($(stat phl6_not_sender) + $(stat phl6_outside))) 0
}

test_refused_teaches_nothing() {
	expect_fail "BIND refuses an unsigned update" \
		upd $DDNS6 "" "update add alice.example.net 300 AAAA $PN6"
	expect_eq "nothing learnt" "$(phl6_of alice.example.net)" ""
	expect_gt "dropped, counted" "$(stat phl_discard)" 0
}

test_untrusted_server6() {
	router_stop
	router_start --lan-prefix $PREFIX6
	expect_ok "nsupdate over IPv6 to a server not trusted" \
		upd $DDNS6 "$KEY" "update add alice.example.net 300 AAAA $PN6"
	expect_eq "nothing learnt" "$(phl6_of alice.example.net)" ""
	expect_gt "counted" "$(stat dnsu6_untrusted)" 0
}

# A reboot (no pins kept) with --state-dir: the AAAA is back.
test_state_survives_reboot() {
	local sd=$TMP/state6
	router_stop
	router_start --lan-prefix $PREFIX6 --state-dir "$sd"
	upd $DDNS "$KEY" "update add alice.example.net 300 AAAA $PN6"
	wait_for 15 grep -q "^phl6 alice.example.net $PN6 snooped" "$sd/state" ||
		fail "not saved within 15 s"
	router_stop
	router_start --lan-prefix $PREFIX6 --state-dir "$sd"
	expect_eq "restored" "$(phl6_of alice.example.net)" "$PN6"
	expect_match "said in the log" "$(cat "$STATE/ntsload.log")" \
		"1 names restored \(0 static, 1 IPv6\)"
}

run_tests
