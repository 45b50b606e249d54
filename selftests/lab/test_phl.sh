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

# ---- --state-dir: what a reboot must not forget (issue 18) ----

# A "reboot": ntsload stops without --keep, so bpffs holds nothing.
reboot_router() {
	router_stop
	[ ! -e "$PINS/phl" ] || fail "pins left: not a reboot"
	router_start "$@"
}
state_log() { cat "$STATE/ntsload.log"; }

test_state_survives_reboot() {
	local sd=$TMP/state-reboot
	ROUTER_ARGS=(--state-dir "$sd")
	router_stop
	router_start "${ROUTER_ARGS[@]}"
	expect_ok "nsupdate from pn" \
		upd pn "$KEY" "update add alice.example.net 300 A $RTR"
	expect_ok "a static entry" $NTSCTL phl add printer.example.net 10.0.0.20
	expect_ok "a policy" $NTSCTL policy set alice.example.net tcp/22,icmp
	# Saved while it runs (a crash or a power cut gives no exit).
	wait_for 15 grep -q "^policy alice.example.net tcp/22,icmp" "$sd/state" ||
		fail "not saved within 15 s of the change"
	local exp
	exp=$(phl_field alice.example.net expires)
	reboot_router "${ROUTER_ARGS[@]}"
	expect_match "alice is back, restored" "$(phl)" \
		"alice\.example\.net +$PN .* restored"
	expect_eq "origin in JSON" "$(phl_field alice.example.net origin)" restored
	local now=$(phl_field alice.example.net expires)
	[ "$now" -le "$exp" ] && [ "$now" -ge $((exp - 10)) ] ||
		fail "expiry moved: $exp before, $now after"
	expect_match "the static one, static" "$(phl)" \
		"printer\.example\.net +10\.0\.0\.20 .* static"
	expect_match "the policy" "$($NTSCTL policy)" "alice\.example\.net.*tcp/22,icmp"
	expect_match "said in the log" "$(state_log)" "2 names restored \(1 static\), 1 policies"
	# A new registration is a snooped one again.
	expect_ok "nsupdate again" \
		upd pn "$KEY" "update add alice.example.net 300 A $RTR"
	expect_eq "snooped again" "$(phl_field alice.example.net origin)" snooped
}

test_state_pins_win() {
	local sd=$TMP/state-pins
	ROUTER_ARGS=(--state-dir "$sd" --keep)
	router_stop
	router_start "${ROUTER_ARGS[@]}"
	$NTSCTL phl add printer.example.net 10.0.0.20
	router_stop			# saved, pins kept
	expect_ok "the file has it" grep -q "^phl printer.example.net " "$sd/state"
	$NTSCTL phl del printer.example.net
	router_start "${ROUTER_ARGS[@]}"	# a restart: pins win
	expect_eq "not read back over the pins" "$(phl --json)" "[]"
	expect_match "and it says so" "$(state_log)" "kept pins win"
	router_stop
	x rtr "$NTSLOAD" --detach --pin-path "$PINS" eth0 >/dev/null 2>&1
}

# Whatever is in the file, ntsload starts, with all of it or none.
test_state_bad_files() {
	local sd=$TMP/state-bad now_ms
	mkdir -p "$sd"
	now_ms=$(($(date +%s) * 1000))
	ROUTER_ARGS=(--state-dir "$sd")
	good="nts-state 1
phl alice.example.net $PN snooped $((now_ms - 5000)) $((now_ms + 600000))
phl old.example.net 10.0.0.30 snooped $((now_ms - 9000000)) $((now_ms - 1000))
end 2"
	# Written while no ntsload runs: one saves its tables as it stops.
	router_stop
	echo "$good" >"$sd/state"
	router_start "${ROUTER_ARGS[@]}"
	expect_match "the live one" "$(phl)" "alice\.example\.net .* restored"
	expect_no_match "not the one that expired while down" "$(phl)" "old\.example"
	expect_match "counted" "$(state_log)" "1 expired while the router was down"

	local bad
	for bad in truncated foreign corrupt empty; do
		router_stop
		case $bad in
		truncated) echo "$good" | head -2 >"$sd/state" ;;
		foreign) head -c 300 /dev/urandom >"$sd/state" ;;
		corrupt) echo "$good" | sed 's/^phl alice.example.net .*/phl alice.example.net 10.0.0 snooped 1 2/' >"$sd/state" ;;
		empty) : >"$sd/state" ;;
		esac
		router_start "${ROUTER_ARGS[@]}"
		expect_eq "$bad: an empty start" "$(phl --json)" "[]"
		expect_match "$bad: one line saying why" "$(state_log)" \
			"--state-dir: .*starting with empty tables"
		expect_eq "$bad: the file kept aside" "$(ls "$sd" | grep -c 'state.bad')" 1
		expect_ok "$bad: and it routes" x pn ping -c 1 -W 2 $GN
		rm -f "$sd/state.bad"
	done
}

# ---- issue 22: whom the router believes ----

FAKE=198.51.100.10	# an outside host (gn) that answers NOERROR to anything
fake_ddns_start() {
	bg gn python3 "$top/selftests/lab/fake_ddns.py" $FAKE 2>"$TMP/fake.log"
	wait_for 5 grep -q ready "$TMP/fake.log"
}

# nsupdate from $1 without a key to the lying server: the rest are lines.
upd_fake() {
	local host=$1
	shift
	{
		echo "server $FAKE"
		echo "zone example.net"
		printf '%s\n' "$@"
		echo send
	} | x "$host" nsupdate
}

test_fake_noerror_takes_nothing() {
	upd pn "$KEY" "update add alice.example.net 300 A $RTR"
	fake_ddns_start
	expect_ok "the lying server says NOERROR to bob" \
		upd_fake pn2 "update add alice.example.net 300 A $RTR"
	expect_match "alice keeps her name" "$(phl)" "alice\.example\.net +$PN "
	expect_ok "... and to bob's delete" \
		upd_fake pn2 "update delete alice.example.net"
	expect_match "alice still has it" "$(phl)" "alice\.example\.net +$PN "
	expect_eq "both counted as untrusted" "$(stat dnsu_untrusted)" 2
	expect_eq "one commit: alice's" "$(stat phl_commit)" 1
	wait_for 3 grep -q "not a trusted DDNS server" "$STATE/ntsload.log"
	expect_match "and said, with who and where" "$(cat "$STATE/ntsload.log")" \
		"not learnt: DNS UPDATE from $PN2:[0-9]+ to $FAKE:53, which is not a trusted DDNS server"
	expect_match "alice's registration said too" "$(cat "$STATE/ntsload.log")" \
		"alice\.example\.net registered for $PN \(DNS UPDATE accepted by $DDNS:53\)"
}

test_fake_flood_fills_nothing() {
	ROUTER_ARGS=(--max-names 1024)
	setup_each
	upd pn "$KEY" "update add alice.example.net 300 A $RTR"
	fake_ddns_start
	x pn2 python3 "$top/selftests/lab/upd_flood.py" $FAKE 2100 8 $RTR \
		>"$TMP/flood.out"
	expect_gt "the lying server answered" "$(cat "$TMP/flood.out")" 100
	expect_eq "the PHL holds alice only" \
		"$($NTSCTL phl --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 1
	expect_eq "nothing full" "$(stat phl_full)" 0
	expect_ok "a registration BIND accepts still goes in" \
		upd pn2 "$KEY" "update add bob.example.net 300 A $RTR"
	expect_match "bob registered" "$(phl)" "bob\.example\.net +$PN2 "
	expect_ok "static names too" $NTSCTL phl add carol.example.net 10.0.0.12
	local lines
	lines=$(grep -c "not a trusted DDNS server" "$STATE/ntsload.log")
	expect_gt "the flood was said" "$lines" 0
	[ "$lines" -le 200 ] || fail "the flood's log lines are bounded: $lines lines"
}

test_quota_per_host() {
	ROUTER_ARGS=(--names-per-host 2)
	setup_each
	upd pn "$KEY" "update add a1.example.net 300 A $RTR"
	upd pn "$KEY" "update add a2.example.net 300 A $RTR"
	expect_ok "BIND takes a third" \
		upd pn "$KEY" "update add a3.example.net 300 A $RTR"
	expect_no_match "the router does not" "$(phl)" "a3\.example"
	expect_match "the first two stay" "$(phl)" "a2\.example\.net +$PN "
	expect_eq "counted" "$(stat phl_quota)" 1
	wait_for 3 grep -q "names-per-host" "$STATE/ntsload.log"
	expect_match "said" "$(cat "$STATE/ntsload.log")" \
		"refused: a3\.example\.net for $PN, which has 2 names already"
	expect_ok "another host has a quota of its own" \
		upd pn2 "$KEY" "update add b1.example.net 300 A $RTR"
	expect_match "b1" "$(phl)" "b1\.example\.net +$PN2 "
	# What BIND was taught, forgotten again.
	upd pn "$KEY" "update delete a1.example.net" "update delete a2.example.net" \
		"update delete a3.example.net" "update delete b1.example.net"
}

test_moving_a_name_is_said() {
	upd pn "$KEY" "update add alice.example.net 300 A $RTR"
	expect_ok "bob, with the key, takes alice's name" \
		upd pn2 "$KEY" "update add alice.example.net 300 A $RTR"
	expect_match "through the trusted server: his now" "$(phl)" \
		"alice\.example\.net +$PN2 "
	expect_eq "counted" "$(stat phl_moved)" 1
	wait_for 3 grep -q "moved" "$STATE/ntsload.log"
	expect_match "said" "$(cat "$STATE/ntsload.log")" \
		"alice\.example\.net moved from $PN to $PN2"
}

test_zones_given() {
	ROUTER_ARGS=(--ddns-server $DDNS --zone sub.example.net)
	setup_each
	expect_ok "BIND takes alice" \
		upd pn "$KEY" "update add alice.example.net 300 A $RTR"
	expect_eq "example.net is not a zone given: nothing learnt" \
		"$(phl --json)" "[]"
	expect_eq "counted" "$(stat dnsu_zone)" 1
	wait_for 3 grep -q "not one of --zone" "$STATE/ntsload.log"
	expect_match "said" "$(cat "$STATE/ntsload.log")" \
		"for zone 'example\.net', which is not one of --zone"
	expect_match "ntsctl status shows whom it trusts" \
		"$(x rtr $NTSCTL status)" \
		"DDNS +$DDNS:53; zones sub\.example\.net; 16 names per host"
	expect_eq "and in JSON" "$(x rtr $NTSCTL status --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["ddns"], d["zones"], d["names_per_host"])')" "['$DDNS:53'] ['sub.example.net'] 16"
}

test_no_ddns_server_learns_nothing() {
	NETLAB_DDNS=none setup_each
	expect_match "said at start" "$(cat "$STATE/ntsload.log")" \
		"no --ddns-server: the router learns no registrations"
	expect_ok "BIND takes alice" \
		upd pn "$KEY" "update add alice.example.net 300 A $RTR"
	expect_eq "the router learns nothing" "$(phl --json)" "[]"
	expect_eq "counted" "$(stat dnsu_untrusted)" 1
	expect_match "ntsctl status says so" "$(x rtr $NTSCTL status)" \
		"DDNS +none: no names are learnt from DNS UPDATEs; zones any"
	expect_fail "a server port is a number" \
		x rtr $NTSLOAD --ddns-server $DDNS:http --detach eth0
	expect_match "a bad server is named" \
		"$(x rtr $NTSLOAD --ddns-server 198.51.100 eth0 2>&1)" \
		"--ddns-server: '198.51.100' is not ADDR\[:PORT\]"
}

test_full_phl_says_so() {
	ROUTER_ARGS=(--max-names 16)
	setup_each
	local i
	for i in $(seq 16); do
		$NTSCTL phl add "s$i.example.net" 10.0.0.$((20 + i)) || break
	done
	expect_match "the 17th: the PHL is full, and what to do" \
		"$($NTSCTL phl add s17.example.net 10.0.0.99 2>&1)" \
		"the PHL is full; delete names .* larger --max-names"
}

run_tests
