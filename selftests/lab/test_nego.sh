# SPDX-License-Identifier: GPL-2.0
# NTS-Nego and the request cache (DESIGN section 1, steps 2-3), without
# DNS: nts-nego plays the NTS server, stock curl and nc play GN and alice.
AREA=nego
source "$(dirname "$0")/lib.sh"

DDNS=198.51.100.54
NEGO="$top/build/nts-nego"

setup_each() {
	[ -f "$TMP/nts.key" ] ||
		tsig-keygen -a hmac-sha256 nts-key >"$TMP/nts.key"
	router_stop
	router_start -k "$TMP/nts.key" "${ROUTER_ARGS[@]}"
	register pn alice
	register pn2 bob
	web pn "alice's page"
	web pn2 "bob's page"
}

teardown_each() {
	router_stop
	x rtr "$NTSLOAD" --detach --pin-path "$PINS" eth0 >/dev/null 2>&1
	kill_procs gn pn pn2
	ROUTER_ARGS=()
	x rtr ip addr del 198.51.100.3/24 dev eth0 2>/dev/null
	x gn ip addr del 198.51.100.11/24 dev eth0 2>/dev/null
}
ROUTER_ARGS=()

register() { # host name
	printf 'server %s\nzone example.net\nupdate add %s.example.net 300 A %s\nsend\n' \
		$DDNS "$2" $RTR | x "$1" nsupdate -k "$STATE/ddns.key"
}

web() { # host page
	mkdir -p "$TMP/www-$1"
	echo "$2" >"$TMP/www-$1/index.html"
	bg "$1" python3 -m http.server -d "$TMP/www-$1" 8080 >/dev/null 2>&1
	wait_for 5 listening "$1" 8080
}

notice() { # name [nts-nego options]
	local name=$1
	shift
	x gn "$NEGO" --router $RTR -k "$TMP/nts.key" --gn $GN "$@" "$name"
}

fetch() { x gn curl -s -m 3 "$@" http://$RTR:8080/; }

rc_count() { $NTSCTL rc --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

test_tcp_after_notice_only() {
	expect_fail "no way in without a NOTICE" fetch
	expect_match "ACCEPT" "$(notice alice.example.net)" \
		"^ACCEPT alice\.example\.net for $GN .*signed by nts-key"
	expect_match "the RC entry" "$($NTSCTL rc)" \
		"$GN +$RTR +$PN +alice\.example\.net .* no$"
	expect_eq "GN reaches alice's page" "$(fetch)" "alice's page"
	expect_match "the flow came from the RC" "$($NTSCTL nat | grep '^tcp')" \
		"^tcp +$PN:8080 +$RTR:8080 +$GN:[0-9]+ .* rc$"
	expect_match "the RC entry was used" "$($NTSCTL rc)" "yes$"
	expect_eq "one flow opened" "$(stat rc_open)" 1
}

test_udp_after_notice() {
	bg pn bash -c 'echo pong-from-alice | nc -u -l -W 1 6000 >'"$TMP/alice.out"
	sleep 0.3
	notice alice.example.net >/dev/null
	expect_eq "GN's datagram answered by alice" \
		"$(echo ping | x gn nc -u -w 2 -p 7000 $RTR 6000)" "pong-from-alice"
	expect_eq "alice got it" "$(cat "$TMP/alice.out")" "ping"
}

test_unregistered_rejected() {
	local out rc
	out=$(notice carol.example.net)
	rc=$?
	expect_match "REJECT" "$out" "^REJECT carol\.example\.net"
	expect_eq "exit status 1" "$rc" 1
	expect_eq "no RC entry" "$(rc_count)" 0
	expect_eq "counted" "$(stat nego_reject)" 1
}

test_forgeries_refused() {
	tsig-keygen -a hmac-sha256 nts-key >"$TMP/wrong.key"
	expect_match "wrong key" \
		"$(x gn "$NEGO" --router $RTR -k "$TMP/wrong.key" --gn $GN alice.example.net)" \
		"^REFUSED .*NOT AUTHENTIC"
	expect_match "old time" "$(notice alice.example.net --time-offset -60)" \
		"^REFUSED alice.*signed by nts-key"
	expect_match "replay: first" "$(notice alice.example.net --nonce 4242)" "^ACCEPT"
	expect_match "replay: again" "$(notice alice.example.net --nonce 4242)" "^REFUSED"
	# A NOTICE whose length field lies, correctly signed.
	x gn python3 - "$TMP/nts.key" $RTR $GN <<'PY'
import base64, hashlib, hmac, re, socket, struct, sys, time
key = base64.b64decode(re.search(r'secret "([^"]+)"', open(sys.argv[1]).read()).group(1))
name = b"alice.example.net"
gn = socket.inet_aton(sys.argv[3])
body = struct.pack("!BBH", 9, 1, len(name) + 3) + gn + name
body += struct.pack("!QQH", int(time.time()), 99, 7) + b"nts-key"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(body + hmac.new(key, body, hashlib.sha256).digest(), (sys.argv[2], 20053))
PY
	sleep 0.5
	expect_match "the lie is logged" "$(tail -1 "$STATE/ntsload.log")" \
		"refused NOTICE alice\.example\.net for GN $GN \(from $GN:[0-9]+\): not a lowercase host name"
	expect_eq "bad ones counted" "$(stat nego_bad)" 2
	expect_eq "stale ones counted" "$(stat nego_stale)" 2
	expect_eq "only the genuine one made an entry" "$(stat nego_accept)" 1
}

test_no_entry_after_expiry() {
	ROUTER_ARGS=(--rc-ttl 1)
	setup_each
	notice alice.example.net >/dev/null
	sleep 2.5
	expect_fail "the entry expired unused" fetch
	expect_eq "and is gone" "$(rc_count)" 0
}

test_third_host_stays_out() {
	x gn ip addr add 198.51.100.11/24 dev eth0
	notice alice.example.net >/dev/null
	expect_fail "another address on the bridge is not let in" \
		fetch --interface 198.51.100.11
	expect_eq "GN itself is" "$(fetch)" "alice's page"
}

# Slide 21: GN asks for alice and bob. The second ACCEPT waits until GN's
# entry for alice is used (and its second of grace is over).
test_same_gn_two_hosts() {
	expect_match "alice first" "$(notice alice.example.net)" "^ACCEPT"
	notice bob.example.net --timeout 8000 >"$TMP/bob.ans" &
	local bob=$!
	sleep 0.7
	expect_eq "bob's NOTICE is held" "$(cat "$TMP/bob.ans")" ""
	expect_eq "GN reaches alice" "$(fetch)" "alice's page"
	wait $bob
	expect_match "then bob's ACCEPT" "$(cat "$TMP/bob.ans")" "^ACCEPT bob"
	expect_eq "and GN reaches bob" "$(fetch)" "bob's page"
	expect_eq "held once" "$(stat nego_deferred)" 1
}

test_held_notice_after_unused_entry() {
	ROUTER_ARGS=(--rc-ttl 2)
	setup_each
	notice alice.example.net >/dev/null
	expect_match "bob's ACCEPT once alice's entry expired unused" \
		"$(notice bob.example.net --timeout 5000)" "^ACCEPT bob"
	expect_eq "GN reaches bob" "$(fetch)" "bob's page"
}

test_rate_limit() {
	ROUTER_ARGS=(--rate-gn 1)
	setup_each
	local i refused=0
	for i in 1 2 3 4 5; do
		[[ $(notice alice.example.net) == REFUSED* ]] && refused=$((refused + 1))
	done
	expect_gt "some refused (1 per second, bursts of 2)" "$refused" 1
	expect_eq "counted" "$(stat nego_rate)" "$refused"
}

test_unsigned_needs_insecure() {
	expect_match "unsigned NOTICE refused" \
		"$(x gn "$NEGO" --router $RTR --insecure --gn $GN alice.example.net)" \
		"^REFUSED"
	ROUTER_ARGS=(--insecure)
	setup_each
	expect_match "accepted with --insecure" \
		"$(x gn "$NEGO" --router $RTR --insecure --gn $GN alice.example.net)" \
		"^ACCEPT .*unsigned"
}

# A port outside a host's exposure policy never reaches it, even right
# after a successful negotiation.
test_exposure_policy() {
	$NTSCTL policy set alice.example.net tcp/22,udp/5060
	expect_match "listed" "$($NTSCTL policy)" "alice\.example\.net +tcp/22,udp/5060"
	expect_match "negotiated" "$(notice alice.example.net)" "^ACCEPT"
	expect_fail "tcp/8080 is not exposed" fetch
	expect_gt "refused by policy" "$(stat rc_policy)" 0
	$NTSCTL policy set alice.example.net tcp/8080
	notice alice.example.net >/dev/null
	expect_eq "now it is" "$(fetch)" "alice's page"
	$NTSCTL policy del alice.example.net
}

test_default_policy_none() {
	ROUTER_ARGS=(--default-policy none)
	setup_each
	notice alice.example.net >/dev/null
	expect_fail "nothing exposed by default" fetch
	$NTSCTL policy set alice.example.net tcp/8080
	notice alice.example.net >/dev/null
	expect_eq "opted in" "$(fetch)" "alice's page"
	$NTSCTL policy del alice.example.net
	expect_match "a bad spec is refused" \
		"$($NTSCTL policy set alice.example.net tcp/99999 2>&1)" \
		"is not tcp/PORT"
}

# DESIGN section 7: with a second global address, a GN that asks for
# alice and bob at once gets bob on the other address, without waiting.
test_two_addresses() {
	x rtr ip addr add 198.51.100.3/24 dev eth0
	ROUTER_ARGS=(--addr $RTR --addr 198.51.100.3)
	setup_each
	expect_match "alice on the first" "$(notice alice.example.net)" \
		"^ACCEPT alice\.example\.net for $GN \(txid [0-9]+, signed"
	local t0=$SECONDS out
	out=$(notice bob.example.net)
	expect_match "bob at once, on the other address" "$out" \
		"^ACCEPT bob\.example\.net .*answer with 198\.51\.100\.3"
	expect_eq "no wait" "$((SECONDS - t0 < 2))" 1
	expect_eq "GN reaches alice on the first" "$(fetch)" "alice's page"
	expect_eq "and bob on the second" \
		"$(x gn curl -s -m 3 http://198.51.100.3:8080/)" "bob's page"
	expect_match "bob's flow uses the second address" "$($NTSCTL nat)" \
		"$PN2:8080 +198\.51\.100\.3:8080 +$GN"
	expect_match "outbound NAT keeps the first" \
		"$(x pn curl -s -m 3 http://$GN:8080/ 2>&1; $NTSCTL nat)" \
		"tcp +$PN:[0-9]+ +$RTR:"
	x rtr ip addr del 198.51.100.3/24 dev eth0
}

# A signed NOTICE, made once (fixed time and nonce) into $TMP/notice.bin.
make_notice() { # name
	python3 - "$TMP/nts.key" "$GN" "$1" "$TMP/notice.bin" <<'PY'
import base64, hashlib, hmac, re, socket, struct, sys, time
key = base64.b64decode(re.search(r'secret "([^"]+)"', open(sys.argv[1]).read()).group(1))
name = sys.argv[3].encode()
body = struct.pack("!BBH", 7, 1, len(name)) + socket.inet_aton(sys.argv[2]) + name
body += struct.pack("!QQH", int(time.time()), 0x2222, 7) + b"nts-key"
open(sys.argv[4], "wb").write(body + hmac.new(key, body, hashlib.sha256).digest())
PY
}

# Send $TMP/notice.bin from gn as it is; print the answer's type.
send_notice() {
	x gn python3 - "$TMP/notice.bin" $RTR <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(open(sys.argv[1], "rb").read(), (sys.argv[2], 20053))
try:
    t = s.recv(2048)[1]
    print({2: "ACCEPT", 3: "REJECT", 4: "REFUSED"}.get(t, t))
except socket.timeout:
    print("no answer")
PY
}

# Issue 22: the nonce cache does not survive a restart, so a NOTICE
# captured before it and replayed within the 30 s window after a restart
# with --keep must be refused for having been signed before the start.
test_replay_after_restart_refused() {
	ROUTER_ARGS=(--keep)
	setup_each
	make_notice alice.example.net
	expect_eq "the NOTICE, first time" "$(send_notice)" ACCEPT
	# The restart must begin in a later second than the NOTICE's time.
	sleep 1.1
	router_stop
	router_start -k "$TMP/nts.key" --keep
	expect_eq "replayed after the restart" "$(send_notice)" REFUSED
	expect_eq "counted as stale" "$(stat nego_stale)" 1
	expect_match "and logged so" "$(cat "$STATE/ntsload.log")" \
		"refused NOTICE alice\.example\.net .*signed before this receiver started \(a replay\?\)"
	expect_match "a fresh NOTICE is accepted" \
		"$(notice alice.example.net)" "^ACCEPT"
}

# Issue 22: a peer's name with a newline or ESC in it must not forge a
# line in the log: it is escaped.
test_log_injection_escaped() {
	ROUTER_ARGS=(--insecure)
	setup_each
	x gn python3 - $RTR $GN <<'PY'
import socket, struct, sys
name = b"x.example.net\nntsload: nego: ACCEPT forged.example.net\x1b[2K"
body = struct.pack("!BBH", 5, 1, len(name)) + socket.inet_aton(sys.argv[2]) + name
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(body, (sys.argv[1], 20053))
PY
	sleep 0.5
	local log
	log=$(cat "$STATE/ntsload.log")
	expect_no_match "no forged line" "$log" $'(^|\n)ntsload: nego: ACCEPT forged'
	expect_no_match "no raw ESC" "$log" $'\x1b'
	expect_match "the name is logged escaped" "$log" \
		'refused NOTICE x\.example\.net\\x0antsload: nego: ACCEPT forged\.example\.net\\x1b\[2K for GN'
}

# Issue 22: SIGHUP reloads the key files (rotation without a restart),
# and keeps the old keys when the new ones don't load.
test_sighup_reloads_keys() {
	cp "$TMP/nts.key" "$TMP/hup.key"
	router_stop
	router_start -k "$TMP/hup.key"
	register pn alice
	tsig-keygen -a hmac-sha256 new-key >"$TMP/new.key"
	local pid
	pid=$(cat "$STATE/ntsload.pid")
	signed() { x gn "$NEGO" --router $RTR -k "$1" --gn $GN alice.example.net; }
	expect_match "a key not loaded yet" "$(signed "$TMP/new.key")" "^REFUSED"
	cp "$TMP/new.key" "$TMP/hup.key"
	kill -HUP "$pid"
	wait_for 5 grep -q "SIGHUP: reloaded 1 key from 1 file" "$STATE/ntsload.log" ||
		fail "no reload line: $(tail -2 "$STATE/ntsload.log")"
	expect_ok "still running" kill -0 "$pid"
	expect_match "the new key is taken" "$(signed "$TMP/new.key")" "^ACCEPT"
	expect_match "the old one is gone" "$(signed "$TMP/nts.key")" "^REFUSED"
	echo 'key "broken" {' >"$TMP/hup.key"
	kill -HUP "$pid"
	wait_for 5 grep -q "SIGHUP: keeping the 1 key loaded before" "$STATE/ntsload.log" ||
		fail "no error line: $(tail -2 "$STATE/ntsload.log")"
	expect_match "the error names the file" "$(cat "$STATE/ntsload.log")" \
		"SIGHUP: cannot reload --key: $TMP/hup.key"
	expect_ok "still running after a bad reload" kill -0 "$pid"
	expect_match "and the keys it had still count" \
		"$(signed "$TMP/new.key")" "^ACCEPT"
}

test_rc_json() {
	notice alice.example.net >/dev/null
	expect_eq "ntsctl rc --json" "$($NTSCTL rc --json | python3 -c '
import json, sys
e = json.load(sys.stdin)[0]
print(e["gn"], e["inside"], e["name"], e["used"])')" "$GN $PN alice.example.net False"
}

# Issue 20: a NOTICE for GN's network (EDNS Client Subnet /24). Its
# first host to connect has the entry, bound to its exact address.
test_prefix_first_host_only() {
	local net=${GN%.*}.0/24
	x gn ip addr add 198.51.100.11/24 dev eth0
	expect_match "ACCEPT for the network" \
		"$(notice alice.example.net --gn $net)" \
		"^ACCEPT alice\.example\.net for ${net//./\\.} .*signed by nts-key"
	expect_match "ntsctl rc shows the network's entry" "$($NTSCTL rc)" \
		"${net//./\\.} +$RTR +$PN +alice\.example\.net .* no"
	expect_eq "a host of the /24 reaches alice" \
		"$(fetch --interface 198.51.100.11)" "alice's page"
	expect_match "the entry is that host's now" "$($NTSCTL rc)" \
		"198\.51\.100\.11 +$RTR +$PN +alice\.example\.net .* yes, of a /24"
	expect_match "ntsctl rc --json says where it came from" \
		"$($NTSCTL rc --json)" '"from_network": true'
	expect_fail "GN, another host of it, cannot" fetch
	expect_eq "prefix admissions counted" "$(stat rc_prefix_open)" 1
	expect_eq "prefix NOTICEs counted" "$(stat nego_prefix)" 1
}

test_prefix_window() {
	ROUTER_ARGS=(--rc-prefix-ttl 1)
	setup_each
	notice alice.example.net --gn ${GN%.*}.0/24 >/dev/null
	sleep 2.5
	expect_fail "after --rc-prefix-ttl nobody gets in" fetch
	expect_eq "and the entry is gone" "$(rc_count)" 0
}

test_prefix_limits() {
	expect_match "a /16 is too short" \
		"$(notice alice.example.net --gn 198.51.0.0/16)" "^REFUSED"
	expect_match "and logged why" "$(tail -1 "$STATE/ntsload.log")" \
		"REFUSED alice\.example\.net for GN 198\.51\.0\.0/16 .*shorter than --rc-min-prefix 24"
	expect_match "anyone (/0) without --unbound-window" \
		"$(notice alice.example.net --gn 0.0.0.0/0)" "^REFUSED"
	expect_match "host bits past the length" \
		"$(notice alice.example.net --gn 198.51.100.10/24)" "^REFUSED"
	expect_eq "refusals counted" "$(stat nego_prefix_refused)" 2
	expect_eq "no entry made" "$(rc_count)" 0
	expect_fail "nobody let in" fetch
}

# Realm Gateway's trade-off, chosen: the first comer within the window.
test_prefix_anyone_with_unbound_window() {
	ROUTER_ARGS=(--unbound-window 2)
	setup_each
	x gn ip addr add 198.51.100.11/24 dev eth0
	expect_match "ACCEPT for anyone" \
		"$(notice alice.example.net --gn 0.0.0.0/0)" \
		"^ACCEPT alice\.example\.net for 0\.0\.0\.0/0"
	expect_eq "the first comer gets in" \
		"$(fetch --interface 198.51.100.11)" "alice's page"
	expect_fail "the second does not" fetch
	expect_eq "counted as for anyone" "$(stat nego_unbound)" 1
}

run_tests
