# SPDX-License-Identifier: GPL-2.0
# Registration (DESIGN section 1, step 1): real nsupdate from the inside
# hosts to real BIND in ddns, snooped by ntsload into the PHL.
AREA=phl
source "$(dirname "$0")/lib.sh"

DDNS=198.51.100.54
KEY=$STATE/ddns.key

setup_each() {
	router_stop
	router_start "${ROUTER_ARGS[@]}"
}

teardown_each() {
	router_stop
	kill_procs gn pn pn2
	ROUTER_ARGS=()
	# Forget what the test registered.
	printf 'server %s\nzone example.net\nupdate delete alice.example.net\nupdate delete bob.example.net\nsend\n' \
		$DDNS | x pn nsupdate -k "$KEY" >/dev/null 2>&1
}
ROUTER_ARGS=()

# nsupdate from host $1 with key file $2 ('' for none): the rest are
# update lines.
upd() {
	local host=$1 key=$2
	shift 2
	{
		echo "server $DDNS"
		echo "zone example.net"
		printf '%s\n' "$@"
		echo send
	} | x "$host" nsupdate ${key:+-k "$key"}
}

phl() { $NTSCTL phl "$@"; }
phl_field() { # name field
	$NTSCTL phl --json | python3 -c "
import json, sys
for e in json.load(sys.stdin):
    if e['name'] == '$1': print(e['$2'])"
}

test_register() {
	expect_ok "nsupdate from pn" \
		upd pn "$KEY" "update add alice.example.net 300 A $RTR"
	expect_match "alice in the PHL with her inside address" "$(phl)" \
		"alice\.example\.net +$PN "
	expect_eq "BIND answers with the router's address" \
		"$(x gn dig +short @$DDNS alice.example.net)" "$RTR"
	expect_eq "committed once" "$(stat phl_commit)" 1
}

test_unsigned_refused() {
	expect_fail "BIND refuses an unsigned update" \
		upd pn "" "update add alice.example.net 300 A $RTR"
	expect_eq "the PHL is empty" "$(phl --json)" "[]"
	expect_eq "the router dropped it" "$(stat phl_discard)" 1
	expect_eq "no name in DNS" "$(x gn dig +short @$DDNS alice.example.net)" ""
}

test_wrong_key_refused() {
	tsig-keygen -a hmac-sha256 ddns-key >"$TMP/wrong.key"
	expect_fail "BIND refuses a wrongly signed update" \
		upd pn "$TMP/wrong.key" "update add alice.example.net 300 A $RTR"
	expect_eq "the PHL is empty" "$(phl --json)" "[]"
}

test_delete_and_two_hosts() {
	upd pn "$KEY" "update add alice.example.net 300 A $RTR"
	upd pn2 "$KEY" "update add bob.example.net 300 A $RTR"
	expect_match "alice" "$(phl)" "alice\.example\.net +$PN "
	expect_match "bob has his own entry" "$(phl)" "bob\.example\.net +$PN2 "
	expect_ok "delete" upd pn "$KEY" "update delete alice.example.net A"
	expect_no_match "alice is gone" "$(phl)" "alice"
	expect_match "bob stays" "$(phl)" "bob\.example\.net"
}

test_reregistration_refreshes() {
	upd pn "$KEY" "update add alice.example.net 300 A $RTR"
	sleep 2.2
	local age
	age=$(phl_field alice.example.net age)
	expect_gt "it aged" "$age" 1
	upd pn "$KEY" "update delete alice.example.net A" \
		"update add alice.example.net 300 A $RTR"
	expect_eq "registered anew" "$(phl_field alice.example.net age)" 0
}

test_expiry() {
	ROUTER_ARGS=(--phl-min-ttl 2)
	setup_each
	upd pn "$KEY" "update add alice.example.net 1 A $RTR"
	expect_match "registered" "$(phl)" "alice"
	sleep 3.5
	expect_no_match "expired after max(TTL, --phl-min-ttl)" "$(phl)" "alice"
}

# What pn sends is what BIND gets, byte for byte, and the answer too.
test_update_unchanged() {
	x pn python3 "$top/selftests/lab/capture.py" eth0 53 6 "$TMP/pn.cap" 2>"$TMP/c1" &
	x ddns python3 "$top/selftests/lab/capture.py" eth0 53 6 "$TMP/ddns.cap" 2>"$TMP/c2" &
	wait_for 5 grep -q ready "$TMP/c1"
	wait_for 5 grep -q ready "$TMP/c2"
	upd pn "$KEY" "update add alice.example.net 300 A $RTR"
	wait
	local sent got
	sent=$(awk '$1 ~ />53$/ {print $2}' "$TMP/pn.cap")
	got=$(awk '$1 ~ />53$/ {print $2}' "$TMP/ddns.cap")
	expect_ne "pn sent an update" "$sent" ""
	expect_eq "BIND received the same bytes" "$got" "$sent"
	expect_eq "and pn the same answer" \
		"$(awk '$1 ~ /^53>/ {print $2}' "$TMP/pn.cap")" \
		"$(awk '$1 ~ /^53>/ {print $2}' "$TMP/ddns.cap")"
}

test_static_entries() {
	expect_ok "phl add" $NTSCTL phl add Carol.Example.NET. 10.0.0.12
	expect_match "listed, lowercase, static" "$(phl)" \
		"carol\.example\.net +10\.0\.0\.12 .* static"
	expect_eq "static in JSON" "$(phl_field carol.example.net static)" True
	expect_ok "phl del" $NTSCTL phl del carol.example.net
	expect_eq "gone" "$(phl --json)" "[]"
	expect_match "a bad name is refused" \
		"$($NTSCTL phl add 'bad name' 10.0.0.1 2>&1)" "not a host name"
	expect_match "a bad address is refused" \
		"$($NTSCTL phl add dave.example.net 10.0.0 2>&1)" "not an IPv4 address"
	expect_match "deleting what isn't there" \
		"$($NTSCTL phl del nobody.example.net 2>&1)" "no such name"
}

run_tests
