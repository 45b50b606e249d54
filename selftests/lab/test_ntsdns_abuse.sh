# SPDX-License-Identifier: GPL-2.0
# ntsdns against hostile clients and careless operators (issue 22): a
# name that would make it a NOTICE amplifier, query floods that would
# flood its log, TCP connections that would lock others out, a client
# behind dnsdist naming its own GN, names that would forge log lines, and
# options that make no sense. Same lab and helpers as test_ntsdns.sh.
AREA=ntsdns_abuse
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ntsdns_lib.sh"

# (11) An upstream that is ntsdns itself, and a --trust-ecs (or
# --trust-proxy) for everyone.
test_options_refused_or_warned() {
	local out rc
	# (timeout: without the check it runs, looping)
	out=$(x ntss timeout 10 "$NTSDNS" -l $P2 -u $P2 2>&1)
	rc=$?
	expect_eq "-u = -l: status 2" "$rc" 2
	expect_match "says why" "$out" \
		"--upstream $P2 is ntsdns itself \(it listens on $P2\)"
	out=$(x ntss timeout 10 "$NTSDNS" -l 0.0.0.0:5301 -u 127.0.0.1:5301 2>&1)
	rc=$?
	expect_eq "-u 127.0.0.1 = -l 0.0.0.0: status 2" "$rc" 2
	expect_match "says why" "$out" \
		"--upstream 127\.0\.0\.1:5301 is ntsdns itself \(it listens on 0\.0\.0\.0:5301\)"
	expect_match "an address of the host counts too" \
		"$(x ntss timeout 10 "$NTSDNS" -l 0.0.0.0:5301 -u $NTSS:5301 2>&1)" \
		"is ntsdns itself"
	proxy2_start -u $UP --trust-ecs 0.0.0.0/0 --trust-ecs 198.51.100.0/24
	expect_match "/0 is warned about" "$(cat "$TMP/p2.log")" \
		"warning: --trust-ecs 0\.0\.0\.0/0: anyone with an address there can name any GN"
	expect_no_match "a /24 is not" "$(cat "$TMP/p2.log")" \
		"--trust-ecs 198\.51\.100\.0/24"
	proxy2_stop
	# --trust-proxy: the same parser, the same warning.
	out=$(x ntss timeout 10 "$NTSDNS" -l $P2 -u $UP --trust-proxy 198.51.100 2>&1)
	rc=$?
	expect_eq "--trust-proxy not a CIDR: status 2" "$rc" 2
	expect_match "says why" "$out" \
		"--trust-proxy: '198\.51\.100' is not an IPv4 ADDR\[/LEN\]"
	proxy2_start -u $UP --trust-proxy 0.0.0.0/0 --trust-proxy 198.51.100.55
	expect_match "--trust-proxy /0 is warned about" "$(cat "$TMP/p2.log")" \
		"warning: --trust-proxy 0\.0\.0\.0/0: anyone with an address there can name any GN"
	expect_no_match "a /32 is not" "$(cat "$TMP/p2.log")" \
		"--trust-proxy 198\.51\.100\.55"
	proxy2_stop
	lab_stop_clean
}

# amp.example.net: 16 A records, as in issue 22: 8 lab addresses where
# routers could be (on inet's bridge, so that ARP answers and the NOTICEs
# leave), 5 where none can be, 3 private.
AMP_PUBLIC="198.51.100.71 198.51.100.72 198.51.100.73 198.51.100.74
	198.51.100.75 198.51.100.76 198.51.100.77 198.51.100.78"
AMP_NEVER="127.0.0.1 0.1.2.3 169.254.1.1 224.0.0.1 240.0.0.1"
AMP_PRIVATE="10.0.0.7 192.168.1.1 100.64.0.1"
amp_up() {
	local a
	{
		printf 'server %s\nzone example.net\n' $DDNS
		for a in $AMP_PUBLIC $AMP_NEVER $AMP_PRIVATE; do
			printf 'update add amp.example.net 300 A %s\n' $a
		done
		printf 'send\n'
	} | x gn nsupdate -k "$STATE/ddns.key"
	for a in $AMP_PUBLIC; do
		ip -n "${P}inet" addr add "$a/24" dev br0
	done
}

# NTS-Nego datagrams that left ntss, on eth0 and lo: "PORT>PORT HEX".
capture_start() {
	local i
	for i in eth0 lo; do
		: >"$TMP/cap-$i" 2>/dev/null
		bg ntss python3 "$top/selftests/lab/capture.py" $i 20053 20 \
			"$TMP/cap-$i" 2>/dev/null
	done
	sleep 1 # (capture.py binds at once; "ready" is on its stderr)
}
notices() { grep -c '>20053 ' "$TMP/cap-$1"; }
# NOTICEs sent, or that could not be.
tried() { echo $(($(lab_counter negotiated) + $(lab_counter nego_errors))); }
notices_at_least() { [ "$(notices "$1")" -ge "$2" ]; }

# (5) One query, one answer with 16 addresses: NOTICEs to 4 of the 8
# possible routers (twice: the resend), none to 127/8 and the like, none
# to private addresses unless asked; per GN, a budget.
test_notice_bounded() {
	amp_up
	capture_start
	expect_match "the answer comes, unchanged" \
		"$(x gn dig +short +time=5 +tries=1 @$NTSS amp.example.net | sort | tr '\n' ' ')" \
		"10\.0\.0\.7 .*127\.0\.0\.1 .*198\.51\.100\.78 "
	wait_for 5 notices_at_least eth0 8
	sleep 1 # (nothing more may come)
	expect_eq "4 routers, twice each" "$(notices eth0)" 8
	expect_eq "nothing to loopback" "$(notices lo)" 0
	expect_eq "negotiated" "$(lab_counter negotiated)" 4
	expect_eq "suppressed: never a router" "$(lab_counter suppressed_addr)" 5
	expect_eq "suppressed: private" "$(lab_counter suppressed_private)" 3
	expect_eq "suppressed: over --notice-max" \
		"$(lab_counter suppressed_max)" 4
	expect_match "said once" "$(cat "$LOG")" \
		"amp\.example\.net for $GN: no NOTICE to 12 addresses \(5 never a router: .*; 3 private, .*; 4 over --notice-max 4; 0 over --rate-client 20\)"
	# Private ones when asked; and a budget per GN: 1 a second, 2 at once.
	lab_restart --nego-private --notice-max 16 --rate-client 1 \
		--nego-timeout 200
	expect_eq "ten queries answered" \
		"$(x gn $TOOL flood $NTSS amp.example.net 10)" "answered 10 of 10"
	# (ntss has no route to the private ones: "cannot send", nego_errors)
	expect_eq "each NOTICE tried or counted" "$(($(tried) + \
		$(lab_counter suppressed_rate)))" 110
	expect_eq "most over the budget" "$(($(tried) <= 20))" 1
	expect_eq "never: still none" "$(lab_counter suppressed_addr)" 50
	expect_eq "private: sent" "$(lab_counter suppressed_private)" 0
	x gn ip addr replace 198.51.100.11/24 dev eth0
	local before
	before=$(tried)
	expect_match "another GN has a budget of its own" \
		"$(x gn dig +time=5 +tries=1 -b 198.51.100.11 @$NTSS amp.example.net)" \
		"status: NOERROR"
	expect_gt "its NOTICEs went out" "$(tried)" "$before"
	lab_stop_clean
}

# (6) A flood of queries is not a flood of log lines: 200 answers wait
# for a router that is not there, each a "no answer" line. (Not more:
# 256 NOTICEs for one GN, name and router at once use up the TxIDs.)
test_log_bounded() {
	local lines left
	proxy2_start -u $UP -z "example.net:$STATE/nts.key" --log-rate 5 \
		--nego-timeout 400 --rate-client 0
	expect_eq "all answered" \
		"$(x gn $TOOL flood $P2 alice.example.net 200)" \
		"answered 200 of 200"
	wait_for 5 grep -q "more messages left out" "$TMP/p2.log"
	lines=$(grep -c "alice\.example\.net for $GN via $RTR: no answer" \
		"$TMP/p2.log")
	left=$(p2_counter log_left_out)
	expect_eq "every one logged or counted" "$((lines + left))" 200
	expect_eq "most left out" "$((lines < 100))" 1
	expect_match "and said so" "$(cat "$TMP/p2.log")" \
		"ntsdns: [0-9]+ more messages left out \(--log-rate 5 a second\)"
	expect_eq "timeouts: all" "$(p2_counter timeouts)" 200
	proxy2_stop
	lab_stop_clean
}

# (9) A name whose labels hold a newline and ESC is one escaped line.
test_log_escaped() {
	local evil=$'x\nntsdns: FORGED ACCEPT\x1b[2K.other.test'
	proxy2_start -u $UP -v
	q $P2 "$evil" >/dev/null
	wait_for 5 grep -q "FORGED" "$TMP/p2.log"
	expect_no_match "no forged line" "$(cat "$TMP/p2.log")" \
		$'(^|\n)ntsdns: FORGED'
	expect_no_match "no ESC byte" "$(cat "$TMP/p2.log")" $'\x1b'
	expect_match "the name, escaped" "$(cat "$TMP/p2.log")" \
		'x\\x0antsdns: FORGED ACCEPT\\x1b\[2K\.other\.test\. A: NXDOMAIN'
	proxy2_stop
	lab_stop_clean
}

# TCP connections from $1 to ntss:53, as ntss sees them.
tcp_from() { x ntss ss -Htn state established "( sport = :53 and dst $1 )" | wc -l; }
tcp_from_at_least() { [ "$(tcp_from "$1")" -ge "$2" ]; }
# TCP connections ntss has opened (to BIND, all of them).
active_opens() { x ntss awk '/^Tcp:/ { if (h) print $6; h = 1 }' /proc/net/snmp; }

# (7) One address opening connections and sending a byte on each cannot
# lock the others out; such connections are closed soon; when every slot
# is taken, the one idle longest makes room.
test_tcp_slowloris() {
	local a
	for a in 11 12; do
		x gn ip addr replace 198.51.100.$a/24 dev eth0
	done
	# (a long idle timeout: only --tcp-msg-timeout may close them)
	lab_restart --tcp-idle-timeout 60000
	bg gn $TOOL hold $NTSS 1100 20 --src $GN >"$TMP/hold" 2>&1
	wait_for 20 grep -q connected "$TMP/hold"
	expect_match "another client's dig +tcp is answered" \
		"$(answer +tcp -b 198.51.100.11 @$NTSS www.other.test)" \
		"192\.0\.2\.80$"
	expect_gt "the flood refused" "$(lab_counter tcp_refused)" 1000
	wait_for 20 grep -q "open" "$TMP/hold"
	expect_match "and the 16 taken closed, the message not whole" \
		"$(cat "$TMP/hold")" "open 0 of 1100"
	# Each of the 1,100 refused, or taken and closed slow: 16 at first,
	# more when the backlog still held some as the 16 went (a loaded
	# machine drains it slowly).
	local refused slow
	refused=$(lab_counter tcp_refused)
	slow=$(lab_counter tcp_closed_slow)
	expect_gt "closed slow, counted" "$slow" 15
	expect_eq "each refused or closed slow" "$((refused + slow))" 1100
	# Full (20): the oldest idle one goes for a new client.
	lab_restart --tcp-max 20 --tcp-msg-timeout 60000
	bg gn $TOOL hold $NTSS 16 60 --src $GN >"$TMP/hold1" 2>&1
	wait_for 10 tcp_from_at_least $GN 16
	bg gn $TOOL hold $NTSS 4 60 --src 198.51.100.12 >"$TMP/hold2" 2>&1
	wait_for 10 tcp_from_at_least 198.51.100.12 4
	expect_match "full: a new client is still answered" \
		"$(answer +tcp -b 198.51.100.11 @$NTSS www.other.test)" \
		"192\.0\.2\.80$"
	expect_eq "one evicted" "$(lab_counter tcp_evicted)" 1
	expect_eq "the oldest: one of the first 16" "$(tcp_from $GN)" 15
	kill_procs gn
	lab_stop_clean
}

# (7) 16 connections pipelining 64 queries each: answered over UDP
# upstream, no connection to BIND, no SERVFAIL; TCP upstream only for a
# TC answer, and one connection for two of them. (16: all from GN, and --tcp-per-client is 16 by default; 20
# at once had the 17th refused whenever they overlapped.)
test_tcp_upstream_udp_first() {
	local i pids=() before
	before=$(active_opens)
	for ((i = 0; i < 16; i++)); do
		x gn $TOOL pipeline $NTSS $(seq -f "t%g.other.test" \
			$((i * 40)) $((i * 40 + 63))) --type TXT \
			>"$TMP/pipe$i" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	expect_eq "every answer matched" \
		"$(cat "$TMP"/pipe* | grep -c 'matched 64 of 64')" 16
	expect_eq "none refused" "$(lab_counter tcp_refused)" 0
	expect_eq "no SERVFAIL" "$(lab_counter servfail)" 0
	expect_eq "no TCP connection to BIND" "$(($(active_opens) - before))" 0
	# (From one port: the same 4-tuple, the same worker of --threads,
	# whose upstream connections these are.)
	expect_match "a truncated answer: asked again over TCP" \
		"$(q $NTSS big.other.test TXT --tcp --sport 40053)" \
		"^rcode NOERROR tc 0 an 1 "
	expect_eq "one connection" "$(($(active_opens) - before))" 1
	expect_eq "counted" "$(lab_counter upstream_tcp)" 1
	# (within uptcp.c's 5 s idle time)
	expect_match "another truncated answer: asked again over TCP" \
		"$(q $NTSS big.other.test TXT --tcp --sport 40053)" \
		"^rcode NOERROR tc 0 an 1 "
	expect_eq "on the same connection" "$(($(active_opens) - before))" 1
	expect_eq "counted" "$(lab_counter upstream_tcp)" 2
	lab_stop_clean
}

# (8) Behind dnsdist as README sets it up, a client that sends an ECS
# option of its own for another address does not get that address let
# in: dnsdist replaces it (setECSOverride), and the GN is the client.
test_dnsdist_client_ecs() {
	router_up
	lab_restart --trust-ecs 198.51.100.48/28
	dnsdist_start || return 0
	expect_match "answered, negotiated" \
		"$(answer -p 5400 +subnet=198.51.100.99/32 @$NTSS alice.example.net)" \
		"^alice\.example\.net\. 0 $RTR$"
	expect_match "for the client itself" "$(cat "$LOG")" \
		"alice\.example\.net for $GN via $RTR: ACCEPT"
	expect_no_match "not for the address it named" "$(cat "$LOG")" \
		"for 198\.51\.100\.99 "
	expect_no_match "no request cache entry for it" "$($NTSCTL rc)" \
		"198\.51\.100\.99"
	kill -TERM "$DDPID"
	DDPID=
	lab_stop_clean
}

run_tests
