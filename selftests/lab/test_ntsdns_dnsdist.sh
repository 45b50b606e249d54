# SPDX-License-Identifier: GPL-2.0
# ntsdns behind dnsdist (issue 17, items 4 and 5): dnsdist, in a
# namespace of its own (dd, 198.51.100.55), spreads GN's queries over two
# ntsdns with a PROXY v2 header (useProxyProtocol) and terminates DNS
# over TLS and over HTTPS for them, configured as README's "ntsdns behind
# dnsdist" says. GN, with stock tools only (its glibc resolver and curl,
# dig +tcp, +tls, +https), reaches alice by name, negotiated for GN's own
# address, not dnsdist's; a forged header from anyone else opens nothing.
# Same lab and helpers as test_ntsdns.sh.
AREA=ntsdns_dnsdist
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ntsdns_lib.sh"

DD=198.51.100.55
FORGED=198.51.100.99
# Both ntsdns take the header from dnsdist (the lab's on :53, the second
# on $P2); each test that wants otherwise restarts them.
NTSDNS_ARGS=(--trust-proxy $DD)

eval "lib_$(declare -f teardown_each)"
teardown_each() {
	kill_procs dd
	lib_teardown_each
}

# dnsdist's host on the lab's Internet (gone with the lab).
dd_up() {
	[ -e "/run/netns/${P}dd" ] && return 0
	ip netns add "${P}dd"
	ip -n "${P}dd" link set lo up
	ip -n "${P}dd" link add eth0 type veth peer name dd netns "${P}inet"
	ip -n "${P}inet" link set dd master br0 up
	ip -n "${P}dd" addr add $DD/24 dev eth0
	ip -n "${P}dd" link set eth0 up
	x dd ethtool -K eth0 tx off >/dev/null
}

# A self-signed certificate for dnsdist's DoT and DoH, in the test's
# temporary directory.
cert_make() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 \
		-subj /CN=dns.example.net \
		-addext "subjectAltName=DNS:dns.example.net,IP:$DD" \
		-keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>&1
}

# README's configuration as it is written there, the lab's addresses and
# files put in, nothing else changed.
front_recipe() {
	awk '/^<!-- dnsdist front recipe/ { r = 1; next }
	     r && /^```lua/ { c = 1; next }
	     c && /^```/ { exit }
	     c' "$top/README.md" |
		sed -e "s/192\.0\.2\.53:/$DD:/g" \
			-e "s/10\.53\.0\.1:53/$NTSS:53/" \
			-e "s/10\.53\.0\.2:53/$P2/" \
			-e "s|/etc/dnsdist/|$TMP/|g" \
			-e "s|203\.0\.113\.0/24|198.51.100.0/24|"
}

# dnsdist on $DD (:53, DoT :853, DoH :443) in front of both ntsdns;
# with "nowait", only until it listens.
front_start() {
	require_cmd dnsdist || return 1
	require_cmd openssl || return 1
	local recipe
	dd_up
	cert_make || { fail "openssl could not make a certificate"; return 1; }
	recipe=$(front_recipe)
	[[ $recipe == *"$P2"*useProxyProtocol* ]] ||
		{ fail "no dnsdist front recipe in README.md"; return 1; }
	cat >"$TMP/front.conf" <<CONF
$recipe
-- What a lab needs besides: queries in turn (leastOutstanding sends a
-- lone client's all to the first), no security poll.
setServerPolicy(roundrobin)
setSecurityPollSuffix("")
setUDPTimeout(4)
CONF
	(exec $NETLAB exec dd dnsdist --supervised --disable-syslog \
		-C "$TMP/front.conf" >"$TMP/front.log" 2>&1) &
	DDPID=$!
	if [ "${1:-}" = nowait ]; then
		wait_for 15 listening_udp dd 53 ||
			{ fail "dnsdist did not start: $(cat "$TMP/front.log")"; return 1; }
		return 0
	fi
	wait_for 15 front_answers ||
		{ fail "dnsdist does not answer: $(cat "$TMP/front.log")"; return 1; }
}

front_stop() {
	kill -TERM "$DDPID"
	wait "$DDPID" 2>/dev/null
	DDPID=
}

# (dig's status is 0 for a SERVFAIL too: wait for the zone's SOA.)
front_answers() {
	x gn dig +short +time=1 +tries=1 @$DD example.net SOA |
		grep -q hostmaster
}

# GN's glibc resolver asks dnsdist, until the test ends.
gn_resolver_dnsdist() {
	local f="/etc/netns/${P}gn/resolv.conf"
	cp "$f" "$TMP/resolv.gn"
	defer cp "$TMP/resolv.gn" "$f"
	echo "nameserver $DD" >"$f"
}

web_up() {
	mkdir -p "$TMP/www"
	echo "alice's page" >"$TMP/www/index.html"
	bg pn python3 -m http.server -d "$TMP/www" 8080 >/dev/null 2>&1
	wait_for 5 listening pn 8080
}

# Negotiations in log $1 for whom ($2: an address), counted.
acc_for() { grep -c "alice\.example\.net for $2 via $RTR: ACCEPT" "$1"; }

# The whole method through dnsdist and two ntsdns: GN's resolver (glibc,
# UDP) and curl by name, dig over TCP; each ntsdns negotiates for GN.
test_scale_out() {
	local i
	router_up
	web_up
	proxy2_start -u $UP -z "example.net:$STATE/nts.key" --trust-proxy $DD
	front_start || return 0
	gn_resolver_dnsdist
	expect_eq "GN's glibc resolver finds alice through dnsdist" \
		"$(x gn getent ahostsv4 alice.example.net | awk 'NR == 1 {print $1}')" \
		"$RTR"
	expect_match "and the router expects GN, not dnsdist" "$($NTSCTL rc)" \
		"$GN +$RTR +$PN +alice\.example\.net "
	for i in 1 2 3 4; do
		expect_eq "curl by name ($i)" \
			"$(x gn curl -s -m 5 http://alice.example.net:8080/)" \
			"alice's page"
	done
	expect_match "through a flow from the request cache" \
		"$($NTSCTL nat | grep '^tcp')" \
		"^tcp +$PN:8080 +$RTR:8080 +$GN:[0-9]+ .* rc$"
	expect_gt "the first ntsdns negotiated for GN" "$(acc_for "$LOG" $GN)" 0
	expect_gt "and so did the second" "$(acc_for "$TMP/p2.log" $GN)" 0
	# TCP: the header once, at the start of each connection.
	local before
	before=$(($(acc_for "$LOG" $GN) + $(acc_for "$TMP/p2.log" $GN)))
	expect_match "dig +tcp through dnsdist: negotiated, TTL 0" \
		"$(answer +tcp @$DD alice.example.net)" \
		"^alice\.example\.net\. 0 $RTR$"
	expect_eq "for GN" \
		"$(($(acc_for "$LOG" $GN) + $(acc_for "$TMP/p2.log" $GN)))" \
		$((before + 1))
	expect_eq "never for dnsdist" \
		"$(cat "$LOG" "$TMP/p2.log" | grep -c "for $DD ")" 0
	expect_gt "headers taken by the first" "$(lab_counter proxied)" 0
	expect_gt "and by the second" "$(p2_counter proxied)" 0
	expect_eq "none refused" \
		"$(($(lab_counter proxy_bad) + $(p2_counter proxy_bad) + \
			$(lab_counter proxy_untrusted) + $(p2_counter proxy_untrusted)))" 0
	front_stop
	proxy2_stop
	lab_stop_clean
}

# DoT and DoH for GN, terminated by dnsdist: stock dig checks the
# certificate, ntsdns negotiates for GN, and GN connects.
test_dot_doh() {
	local how out
	router_up
	web_up
	proxy2_start -u $UP -z "example.net:$STATE/nts.key" --trust-proxy $DD
	front_start || return 0
	for how in +tls +https; do
		out=$(answer $how +tls-ca="$TMP/cert.pem" \
			+tls-hostname=dns.example.net @$DD alice.example.net)
		expect_match "dig $how, the certificate checked: TTL 0" \
			"$out" "^alice\.example\.net\. 0 $RTR$"
		expect_match "$how: the router expects GN" "$($NTSCTL rc)" \
			"$GN +$RTR +$PN +alice\.example\.net "
		expect_eq "$how: GN connects to the address it was given" \
			"$(x gn curl -s -m 5 --resolve alice.example.net:8080:$RTR \
				http://alice.example.net:8080/)" "alice's page"
	done
	expect_match "a certificate it cannot check: no answer" \
		"$(x gn dig +tls +tls-hostname=other.example.net \
			+tls-ca="$TMP/cert.pem" +time=3 +tries=1 @$DD \
			alice.example.net 2>&1)" \
		"certificate|TLS|timed out|failed"
	expect_eq "never for dnsdist" \
		"$(cat "$LOG" "$TMP/p2.log" | grep -c "for $DD ")" 0
	expect_gt "negotiated for GN" \
		"$(($(acc_for "$LOG" $GN) + $(acc_for "$TMP/p2.log" $GN)))" 1
	front_stop
	proxy2_stop
	lab_stop_clean
}

# A PROXY header is taken from --trust-proxy senders only: from GN, one
# naming another address is dropped, over UDP and TCP. From dnsdist's
# address the same bytes are believed (the control), and a plain query
# from there is dropped: it would be negotiated for dnsdist.
test_forged_header() {
	router_up
	dd_up
	expect_eq "from GN over UDP: dropped" \
		"$(x gn $TOOL proxy $NTSS alice.example.net $FORGED:4000)" \
		"no answer"
	expect_eq "over TCP: dropped" \
		"$(x gn $TOOL proxy --tcp $NTSS alice.example.net $FORGED:4000)" \
		"no answer"
	expect_eq "counted" "$(lab_counter proxy_untrusted)" 2
	expect_eq "no NOTICE for the forged address" \
		"$(grep -c "for $FORGED " "$LOG")" 0
	expect_no_match "no request cache entry for it" "$($NTSCTL rc)" \
		"$FORGED"
	expect_match "GN's own queries still answered, for GN" \
		"$(answer @$NTSS alice.example.net)" \
		"^alice\.example\.net\. 0 $RTR$"
	# The control: the same header from the trusted address is believed.
	expect_match "from dnsdist's address: believed" \
		"$(x dd $TOOL proxy $NTSS alice.example.net $FORGED:4000)" \
		"^rcode NOERROR .* alice\.example\.net\./0/$RTR"
	expect_eq "negotiated for the address it names" \
		"$(acc_for "$LOG" $FORGED)" 1
	expect_match "and TCP too" \
		"$(x dd $TOOL proxy --tcp $NTSS alice.example.net $FORGED:4000)" \
		"^rcode NOERROR .* alice\.example\.net\./0/$RTR"
	expect_eq "headers taken" "$(lab_counter proxied)" 2
	# From there, no header: dropped, not negotiated for dnsdist.
	expect_eq "a plain query from dnsdist's address: dropped" \
		"$(x dd $TOOL query --timeout 2 $NTSS alice.example.net)" "timeout"
	expect_eq "over TCP: closed" \
		"$(x dd $TOOL query --tcp --timeout 2 $NTSS alice.example.net 2>&1 |
			tail -1)" "timeout"
	expect_eq "counted" "$(lab_counter proxy_bad)" 2
	expect_eq "never for dnsdist" "$(grep -c "for $DD " "$LOG")" 0
	lab_stop_clean
}

# Without --trust-proxy, dnsdist's headers are refused: nothing is
# answered, nothing negotiated (so the tests above need the feature).
test_untrusted_dnsdist() {
	router_up
	lab_restart
	proxy2_start -u $UP -z "example.net:$STATE/nts.key"
	front_start nowait || return 0
	expect_no_match "no answer through dnsdist" \
		"$(x gn dig +short +time=2 +tries=1 @$DD alice.example.net)" \
		"$RTR"
	expect_gt "its headers counted as untrusted" \
		"$(($(lab_counter proxy_untrusted) + $(p2_counter proxy_untrusted)))" 0
	expect_eq "nothing negotiated" \
		"$(cat "$LOG" "$TMP/p2.log" | grep -c "alice\.example\.net for ")" 0
	front_stop
	proxy2_stop
	lab_stop_clean
}

run_tests
