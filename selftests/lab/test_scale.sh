# SPDX-License-Identifier: GPL-2.0
# ntsload's control plane at a real router's load (issue 15): NOTICEs
# are answered while the expiry pass works through a large NAT table.
# Outcomes only, no timings: every NOTICE gets its answer within
# nts-nego's own timeout.
AREA=scale
source "$(dirname "$0")/lib.sh"

NEGO="$top/build/nts-nego"
FLOWS=500000

teardown_each() {
	router_stop
}

nat_entries() {
	x rtr $NTSCTL status --json |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["maps"]["nat"]["entries"])'
}

# NOTICEs, one after another, until expiry passes have run meanwhile (as
# gc_passes counts them) and $1 holds; prints "SENT ANSWERED PASSES".
notices_while_passes() {
	local until=$1 p0 i=0 ok=0 out
	p0=$(stat gc_passes)
	while [ $i -lt 300 ]; do
		i=$((i + 1))
		out=$(x gn "$NEGO" --router $RTR -k "$STATE/nts.key" \
			--gn 198.51.100.$((100 + i % 100)) --timeout 1000 \
			alice.example.net 2>&1)
		[[ $out =~ ^ACCEPT ]] && ok=$((ok + 1))
		[ $(($(stat gc_passes) - p0)) -ge 3 ] && eval "$until" && break
	done
	echo $i $ok $(($(stat gc_passes) - p0))
}

test_notice_while_expiry_runs() {
	local sent ok passes
	router_start --max-flows $((2 * FLOWS))
	$NTSCTL phl add alice.example.net $PN
	# Live flows: every pass walks them all and keeps them.
	expect_eq "the table filled" \
		"$(x rtr "$top/build/fill_flows" "$PINS" $FLOWS 0)" $FLOWS
	read -r sent ok passes < <(notices_while_passes true)
	expect_gt "passes over $FLOWS live flows ran meanwhile" "$passes" 2
	expect_eq "every NOTICE answered ACCEPT in time" "$ok" "$sent"
	expect_eq "the live flows kept" "$(nat_entries)" $((2 * FLOWS))
	expect_eq "none expired" "$(stat gc_flows_expired)" 0
	# The same flows idle past the UDP timeout: the next pass removes them.
	x rtr "$top/build/fill_flows" "$PINS" $FLOWS 400 >/dev/null
	read -r sent ok passes < <(notices_while_passes '[ "$(nat_entries)" = 0 ]')
	expect_eq "the passes emptied the table" "$(nat_entries)" 0
	expect_eq "counted" "$(stat gc_flows_expired)" $FLOWS
	expect_eq "every NOTICE answered ACCEPT in time" "$ok" "$sent"
}

# A forged flood from outside --nts-server costs XDP a compare, no MAC.
test_nts_server_filters_in_xdp() {
	router_start --nts-server 198.51.100.53/32
	$NTSCTL phl add alice.example.net $PN
	local out
	out=$(x gn "$NEGO" --router $RTR -k "$STATE/nts.key" --gn $GN \
		--timeout 500 alice.example.net 2>&1)
	expect_no_match "from GN's address: no answer" "$out" "^(ACCEPT|REJECT|REFUSED)"
	expect_gt "dropped in XDP, counted" "$(stat nego_foreign)" 0
	expect_eq "ntsload never saw it" "$(stat nego_notice)" 0
	expect_match "from the NTS server's: ACCEPT" \
		"$(x ntss "$NEGO" --router $RTR -k "$STATE/nts.key" --gn $GN \
			--timeout 2000 alice.example.net 2>&1)" "^ACCEPT"
	expect_match "a bad network is named" \
		"$(x rtr $NTSLOAD --nts-server 10.0.0.0/33 eth0 2>&1)" \
		"--nts-server: '10.0.0.0/33' is not an IPv4 address or ADDR/LEN"
}

# Every nonce of the window remembered at the rate ntsload sustains:
# 100,000 signed NOTICEs in 20 s, far past the 65,536 that one process
# used to hold for 60 s, none refused.
test_signed_rate_none_refused() {
	router_start --max-names 1024 --max-rc 262144 --rc-ttl 1 \
		--rate-gn 1000000 --rate-name 1000000
	x rtr "$top/build/negoflood" phl-set "$PINS" 100 100 >/dev/null
	local rate acc rej ref lost
	read -r rate acc rej ref lost < <(x ntss "$top/build/negoflood" paced \
		$RTR "$STATE/nts.key" 100 20 5000)
	# (the sender may fall a little short of 100,000 on a busy machine)
	expect_gt "far past what the old cache held, accepted" "$acc" 90000
	expect_eq "none refused" "$ref" 0
	expect_eq "none lost" "$lost" 0
	expect_eq "and ntsload counted none stale" "$(stat nego_stale)" 0
}

# A signed flood spread over GNs (a leaked key) fills the RC; the LRU
# makes room, and legitimate NOTICEs are still accepted.
test_full_rc_accepts_legit() {
	router_start --max-rc 1024 --max-names 2048
	x rtr "$top/build/negoflood" phl-set "$PINS" 1000 1000 >/dev/null
	local sent lsent lacc
	read -r sent lsent lacc < <(x ntss "$top/build/negoflood" flood $RTR \
		"$STATE/nts.key" 1000 3 5000 20 signed)
	expect_gt "a flood was sent" "${sent%.*}" 500
	expect_gt "legitimate NOTICEs beside it" "${lsent:-0}" 10
	expect_eq "every one accepted" "$lacc" "$lsent"
}

# ntsload built with ASan and UBSan, for the tests of its NOTICE path.
san_start() {
	NTSLOAD=$top/build/ntsload-san router_start "$@"
}

# Stopped, it said nothing of the sanitizers (leaks are looked for at exit).
san_stop() {
	router_stop
	expect_no_match "no sanitizer report" "$(cat "$STATE/ntsload.log")" \
		"Sanitizer|runtime error"
}

# A burst of NOTICEs at once, to two of the router's addresses: read in
# batches, checked on the threads, answered in batches, every one of
# them, each from the address it was sent to (IP_PKTINFO per message).
burst_to_two_addresses() { # ntsload options
	x rtr ip addr add 198.51.100.3/24 dev eth0
	san_start --addr $RTR --addr 198.51.100.3 --rate-name 1000000 "$@"
	x rtr "$top/build/negoflood" phl-set "$PINS" 10 10 >/dev/null
	local sent answered acc ref wrong
	read -r sent answered acc ref wrong < <(x ntss "$top/build/negoflood" \
		burst $RTR,198.51.100.3 "$STATE/nts.key" 10 500)
	expect_eq "500 sent" "$sent" 500
	expect_eq "every one answered" "$answered" 500
	expect_eq "every one ACCEPTed" "$acc" 500
	expect_eq "each from the address it was sent to" "$wrong" 0
	expect_eq "ntsload counted them" "$(stat nego_notice)" 500
	x rtr ip addr del 198.51.100.3/24 dev eth0
}

test_burst_answered_from_its_address() {
	burst_to_two_addresses
	expect_match "on every CPU" "$(cat "$STATE/ntsload.log")" \
		"NTS-Nego on port 20053 \(1 key, $(nproc) threads?\)"
	san_stop
}

test_burst_answered_one_thread() {
	burst_to_two_addresses --nego-threads 1
	expect_match "on one thread" "$(cat "$STATE/ntsload.log")" \
		"NTS-Nego on port 20053 \(1 key, 1 thread\)"
	san_stop
}

# --rate-server: past it, an NTS server's NOTICEs are refused, counted and
# logged; another server's still get in. Under it, none refused.
test_rate_server_bound() {
	# 5 a second, bursts of 10: the log (20 lines a second) shows both.
	san_start --rate-server 5 --rate-name 1000000
	x rtr "$top/build/negoflood" phl-set "$PINS" 10 10 >/dev/null
	local sent answered acc ref wrong
	read -r sent answered acc ref wrong < <(x ntss "$top/build/negoflood" \
		burst $RTR "$STATE/nts.key" 10 1000)
	expect_eq "every one answered" "$answered" 1000
	expect_gt "over the bound: some refused" "$ref" 0
	expect_gt "and some accepted" "$acc" 0
	expect_eq "the counter says so" "$(stat nego_rate_server)" "$ref"
	expect_eq "no other limit hit" "$(stat nego_rate)" 0
	expect_match "logged" "$(cat "$STATE/ntsload.log")" \
		"REFUSED n[0-9]+\.bench\.example\.net for GN [0-9.]+ \(from 198\.51\.100\.53:[0-9]+\): rate limit of its NTS server"
	expect_match "another server's NOTICE still accepted" \
		"$(x gn "$NEGO" --router $RTR -k "$STATE/nts.key" --gn $GN \
			--timeout 2000 n1.bench.example.net 2>&1)" "^ACCEPT"
	san_stop
	san_start --rate-name 1000000
	x rtr "$top/build/negoflood" phl-set "$PINS" 10 10 >/dev/null
	read -r sent answered acc ref wrong < <(x ntss "$top/build/negoflood" \
		burst $RTR "$STATE/nts.key" 10 1000)
	expect_eq "under the default bound: all accepted" "$acc" 1000
	expect_eq "none counted" "$(stat nego_rate_server)" 0
	san_stop
}

run_tests
