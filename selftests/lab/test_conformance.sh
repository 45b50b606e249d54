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

run_tests
