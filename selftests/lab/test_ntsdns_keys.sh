# SPDX-License-Identifier: GPL-2.0
# One key per router (ntsdns --keys, named.conf's key and server
# statements): two routers with keys of their own behind one ntsdns,
# rtr (alice behind it) and rtrb (bob behind it, on the Internet's
# bridge at $RTRB, its LAN 10.2.0.0/24). A NOTICE is signed with the key
# of its router's server statement, else with the zone's (-z); SIGHUP
# reloads the table, a broken file keeps the old one.
AREA=ntsdns_keys
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ntsdns_lib.sh"

RTRB=198.51.100.5
PNB=10.2.0.10
CTLB="$top/build/ntsctl -P $STATE/bpf/rtrb"
KEYS=$TMP/keys.conf

# rtrb: WAN eth0 on inet's br0, LAN eth1 (10.2.0.0/24) with pnb.
rtrb_up() {
	[ -e "/run/netns/${P}rtrb" ] && return 0
	router2_up rtrb pnb inet $RTRB 10.2.0
	# Each router its own key, as a provider hands them out.
	tsig-keygen -a hmac-sha256 rtr-a >"$TMP/rtr-a.key"
	tsig-keygen -a hmac-sha256 rtr-b >"$TMP/rtr-b.key"
}

rtrb_start() { router2_start rtrb "$TMP/rtr-b.key"; }
rtrb_stop() { router2_stop rtrb; }

web() { # host page
	mkdir -p "$TMP/www-$1"
	echo "$2" >"$TMP/www-$1/index.html"
	bg "$1" python3 -m http.server -d "$TMP/www-$1" 8080 >/dev/null 2>&1
	wait_for 5 listening "$1" 8080
}

# The provider's table: both keys; rtr's server statement unless $1 is
# "nofirst"; rtrb's key named $2 (rtr-b unless told).
keys_conf() {
	{
		cat "$TMP/rtr-a.key" "$TMP/rtr-b.key"
		[ "${1:-}" = nofirst ] || echo "server $RTR { keys { rtr-a; }; };"
		printf '/* router B */\nserver %s {\n\tkeys { "%s"; };\n};\n' \
			$RTRB "${2:-rtr-b}"
	} >"$KEYS.new"
	mv "$KEYS.new" "$KEYS"
}

setup_each() {
	[ -x "$NTSDNS" ] || { fail "$NTSDNS is missing: make selftests"; return 1; }
	rtrb_up
	router_stop
	rtrb_stop
	router_start -k "$TMP/rtr-a.key"
	rtrb_start
	register pn alice
	register pnb bob $RTRB
	web pn "alice's page"
	web pnb "bob's page"
}

teardown_each() {
	$NETLAB ntsdns-stop
	router_stop
	rtrb_stop
	kill_procs gn pn pnb
	return 0
}

fetch() { x gn curl -s -m 5 "http://$1.example.net:8080/"; }
ntsdns_pid() { cat "$STATE/ntsdns.pid"; }

hup_lines_gt() { [ "$(grep -c "SIGHUP: keys" "$LOG")" -gt "$1" ]; }

# SIGHUP, and wait for its line ($1: "reloaded" or "not reloaded").
hup() {
	local n
	n=$(grep -c "SIGHUP: keys" "$LOG")
	kill -HUP "$(ntsdns_pid)"
	wait_for 5 hup_lines_gt "$n" ||
		{ fail "no SIGHUP line in 5 s"; return 1; }
	expect_match "SIGHUP: keys $1" "$(grep "SIGHUP: keys" "$LOG" | tail -1)" \
		"SIGHUP: keys $1"
}

test_gn_reaches_both_by_name() {
	keys_conf
	$NETLAB ntsdns-start --keys "$KEYS" || return
	expect_match "started with the table" "$(cat "$LOG")" \
		"--keys $KEYS: 2 keys, 2 routers with a key of its own"
	expect_eq "alice through rtr" "$(fetch alice)" "alice's page"
	expect_eq "bob through rtrb" "$(fetch bob)" "bob's page"
	expect_match "rtr accepted" "$(cat "$LOG")" \
		"alice\.example\.net for $GN via $RTR: ACCEPT"
	expect_match "rtrb accepted" "$(cat "$LOG")" \
		"bob\.example\.net for $GN via $RTRB: ACCEPT"
	expect_match "rtrb's flow to bob" "$($CTLB nat)" "$PNB:8080 +$RTRB:8080 +$GN"
	expect_eq "rtrb: no bad NOTICE" "$($CTLB stats | awk '$1 == "nego_bad" {print $2}')" 0
	lab_stop_clean
}

# No server statement for rtr: its NOTICEs are signed with the zone's
# key (-z example.net:nts.key), which rtr has.
test_zone_key_fallback() {
	keys_conf nofirst
	router_stop
	router_start
	register pn alice
	$NETLAB ntsdns-start --keys "$KEYS" || return
	expect_eq "alice through rtr, the zone's key" "$(fetch alice)" "alice's page"
	expect_eq "bob through rtrb, its own key" "$(fetch bob)" "bob's page"
	lab_stop_clean
}

# rtrb's NOTICE signed with rtr's key: rtrb refuses it; ntsdns hears no
# answer signed with the key it used and answers unchanged (the
# upstream's record and TTL, not 0), and GN does not get in.
test_other_routers_key_refused() {
	local out
	keys_conf "" rtr-a
	$NETLAB ntsdns-start --keys "$KEYS" || return
	expect_match "bob unchanged: the upstream's TTL" \
		"$(answer @$NTSS bob.example.net)" "^bob\.example\.net\. [1-9][0-9]* $RTRB$"
	expect_gt "rtrb: nego_bad" "$($CTLB stats | awk '$1 == "nego_bad" {print $2}')" 0
	expect_match "rtrb said why" "$(cat "$TMP/rtrb.log")" \
		"refused NOTICE.*bob\.example\.net.*key"
	expect_match "ntsdns: no (good) answer" "$(cat "$LOG")" \
		"bob\.example\.net for $GN via $RTRB: no answer in [0-9]+ ms"
	expect_eq "GN does not reach bob" "$(fetch bob)" ""
	expect_eq "alice still fine" "$(fetch alice)" "alice's page"
	lab_stop_clean
	# A broken table at start: no start, the file and line said.
	printf 'key rtr-x { algorithm hmac-sha256; secret "AAAA"; };\nserver %s { keys { nope; }; };\n' \
		$RTRB >"$TMP/bad.conf"
	out=$(x ntss "$NTSDNS" -l 127.0.0.2:5353 -u $UP \
		-z "example.net:$STATE/nts.key" --keys "$TMP/bad.conf" 2>&1)
	expect_eq "exit status 2" "$?" 2
	expect_match "the file and line" "$out" \
		"--keys: $TMP/bad.conf:2: server's key 'nope' is not in this file"
}

# SIGHUP: a table that maps rtrb to its key makes it accept; a broken
# file keeps the table (one line); queries in flight are all answered.
# With one thread and two (the swap through each worker's pipe).
test_sighup_reload() {
	local t i n pids
	for t in 1 2; do
		keys_conf "" rtr-a
		$NETLAB ntsdns-start --keys "$KEYS" --threads $t || return
		expect_match "$t: bob unchanged first" \
			"$(answer @$NTSS bob.example.net)" "^bob\.example\.net\. [1-9][0-9]* $RTRB$"
		keys_conf
		hup reloaded
		expect_eq "$t: bob reachable after SIGHUP" "$(fetch bob)" "bob's page"
		# Broken: the old table stays, one line says why.
		echo "server 198.51.100.77 { keys { rtr-b; } };" >>"$KEYS"
		n=$(wc -l <"$LOG")
		hup "not reloaded, the old ones kept: --keys: $KEYS:[0-9]+: server 198\.51\.100\.77 is not closed"
		sleep 0.3
		expect_eq "$t: one line" "$(($(wc -l <"$LOG") - n))" 1
		expect_match "$t: bob still negotiated" \
			"$(answer @$NTSS bob.example.net)" "^bob\.example\.net\. 0 $RTRB$"
		# Queries in flight across a swap: every one answered.
		keys_conf
		pids=()
		for i in $(seq 20); do
			(answer @$NTSS "$( ((i % 2)) && echo alice || echo bob).example.net" \
				>"$TMP/inflight$i") &
			pids+=($!)
		done
		sleep 0.05
		hup reloaded
		wait "${pids[@]}"
		n=0
		for i in $(seq 20); do
			grep -qE "example\.net\. 0 ($RTR|$RTRB)$" "$TMP/inflight$i" && n=$((n + 1))
		done
		expect_eq "$t: 20 negotiated answers across the swap" "$n" 20
		lab_stop_clean
	done
}

run_tests
