# SPDX-License-Identifier: GPL-2.0
# ntsdns, the NTS server (DESIGN section 1, step 2), built with ASan and
# UBSan: stock dig and a scripted client (dns-proxy/test/dnstool.py)
# from gn; behind it the lab's BIND resolver, or a scripted upstream; in
# front ntsload, or scripted routers. Every test ends by stopping ntsdns
# and finding its counters, "stopped" and no sanitizer report in its log.
AREA=ntsdns
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ntsdns_lib.sh"

test_negotiated_ttl0() {
	router_up
	expect_match "dig: TTL 0, the router's address" \
		"$(answer @$NTSS alice.example.net)" \
		"^alice\.example\.net\. 0 $RTR$"
	expect_match "one line for the negotiation" "$(cat "$LOG")" \
		"alice\.example\.net for $GN via $RTR: ACCEPT in [0-9]+ ms; TTL 0"
	expect_match "the router's request cache" "$($NTSCTL rc)" \
		"$GN +$RTR +$PN +alice\.example\.net"
	expect_eq "negotiated" "$(lab_counter negotiated)" 1
	expect_eq "accepted" "$(lab_counter accepted)" 1
	lab_restart --ttl 7
	expect_match "--ttl 7" "$(answer @$NTSS alice.example.net)" \
		"^alice\.example\.net\. 7 $RTR$"
	lab_stop_clean
}

# Type=notify: READY=1 once every worker listens, WATCHDOG=1 while all
# their loops turn, STOPPING=1 on the way out; with one thread and two.
test_systemd_notify() {
	local t sock log
	for t in 1 2; do
		sock=$TMP/notify$t.sock log=$TMP/notify$t.log
		notify_listen "$sock" "$log" || { fail "no notify socket"; return; }
		NOTIFY_SOCKET=$sock WATCHDOG_USEC=1000000 lab_restart --threads $t
		wait_for 10 heard_ge "$log" "READY=1" 1 || fail "$t: no READY=1"
		expect_match "$t: answers when READY=1" \
			"$(answer @$NTSS h1.other.test)" "h1\.other\.test"
		wait_for 5 heard_ge "$log" "WATCHDOG=1" 4 ||
			fail "$t: WATCHDOG=1 not every 500 ms: $(heard "$log" WATCHDOG=1) in 5 s"
		lab_stop_clean
		wait_for 5 heard_ge "$log" "STOPPING=1" 1 || fail "$t: no STOPPING=1"
		$NETLAB ntsdns-start
	done
}

# --metrics: Prometheus' GET /metrics, the counters summed over the
# workers and the negotiation latency histogram, moving with traffic.
test_metrics_http() {
	local url=http://127.0.0.1:9434/metrics
	router_up
	lab_restart --metrics 127.0.0.1:9434 --threads 2
	wait_for 5 listening ntss 9434 || { fail "nothing on 9434"; return; }
	x ntss curl -sf -o "$TMP/d0.prom" $url || { fail "GET /metrics"; return; }
	answer @$NTSS alice.example.net >/dev/null
	answer @$NTSS h1.other.test >/dev/null
	x ntss curl -sf -o "$TMP/d1.prom" $url || { fail "GET /metrics (2)"; return; }
	/usr/bin/python3 - "$TMP/d0.prom" "$TMP/d1.prom" <<'PY' || fail "exposition: see above"
import sys
from prometheus_client.parser import text_string_to_metric_families
def load(p):
    fams = {f.name: f for f in text_string_to_metric_families(open(p).read())}
    for f in fams.values():
        assert f.name.startswith("nts_dns_") and f.documentation, f.name
    return fams
a, b = load(sys.argv[1]), load(sys.argv[2])
q = lambda m: m["nts_dns_queries"].samples[0].value
assert a["nts_dns_queries"].type == "counter"
assert q(b) - q(a) >= 2, (q(a), q(b))
h = {s.name + s.labels.get("le", ""): s.value for s in b["nts_dns_negotiation_seconds"].samples}
assert b["nts_dns_negotiation_seconds"].type == "histogram"
assert h["nts_dns_negotiation_seconds_count"] >= 1, h
assert h["nts_dns_negotiation_seconds_bucket+Inf"] == h["nts_dns_negotiation_seconds_count"], h
assert b["nts_dns_workers"].samples[0].value == 2
PY
	expect_eq "another path" "$(x ntss curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9434/)" 404
	lab_stop_clean
	local out rc
	out=$(x ntss timeout 10 "$NTSDNS" -l $P2 -u $UP --metrics 9434 2>&1)
	rc=$?
	expect_match "a bad --metrics" "$out" "--metrics: '9434' is not ADDR:PORT"
	expect_eq "a bad --metrics: status 1" "$rc" 1
	$NETLAB ntsdns-start
}

# Everything but the ID as BIND sent it: other names, other types,
# NXDOMAIN, EDNS, truncation, other opcodes, TCP.
test_passthrough_identical() {
	local c
	while read -r c; do
		expect_match "$c" "$(x ntss $TOOL same $NTSS $UP $c)" "^same "
	done <<CASES
www.other.test
alias.other.test A --edns 1232 --do
www.other.test AAAA
nope.other.test
t5.other.test TXT --tcp
example.net SOA
alice.example.net TXT
alice.example.net AAAA --edns 4096
nobody.example.net --tcp
big.other.test TXT
big.other.test TXT --tcp
www.other.test A --opcode 2
CASES
	expect_match "BIND's truncation passes as it is" \
		"$(x ntss $TOOL same $NTSS $UP big.other.test TXT)" " tc 1 "
	expect_eq "nothing negotiated" "$(lab_counter negotiated)" 0
	lab_stop_clean
}

test_rejected_unregistered() {
	router_up
	# In DNS (from outside: the router never sees it), not in the PHL.
	register gn carol
	expect_match "answered unchanged" "$(answer @$NTSS carol.example.net)" \
		"^carol\.example\.net\. [1-9][0-9]* $RTR$"
	expect_match "logged" "$(cat "$LOG")" \
		"carol\.example\.net for $GN via $RTR: REJECT in [0-9]+ ms"
	expect_eq "counted" "$(lab_counter rejected)" 1
	expect_no_match "no request cache entry" "$($NTSCTL rc)" "carol"
	lab_stop_clean
}

test_router_down() {
	# ntsload is not running: nothing answers on the NTS-Nego port.
	expect_match "the answer still comes, unchanged" \
		"$(answer @$NTSS alice.example.net)" \
		"^alice\.example\.net\. [1-9][0-9]* $RTR$"
	expect_match "logged" "$(cat "$LOG")" \
		"alice\.example\.net for $GN via $RTR: no answer in [0-9]+ ms"
	expect_eq "counted" "$(lab_counter timeouts)" 1
	lab_stop_clean
}

test_upstream_down() {
	local proto
	proxy2_start -u 127.0.0.1:10059 --upstream-timeout 800
	expect_match "SERVFAIL over UDP" "$(q $P2 www.other.test)" \
		"^rcode SERVFAIL "
	expect_match "logged" "$(cat "$TMP/p2.log")" \
		"SERVFAIL for www\.other\.test\. A: no answer from 127\.0\.0\.1:10059 in 800 ms"
	# (A TCP client's query goes upstream over UDP first.)
	expect_match "and over TCP" "$(q $P2 www.other.test --tcp)" \
		"^rcode SERVFAIL "
	expect_eq "logged" "$(grep -c "SERVFAIL for www\.other\.test\. A: no answer from 127\.0\.0\.1:10059 in 800 ms" "$TMP/p2.log")" 2
	expect_match "dig says so" \
		"$(x gn dig +time=5 +tries=1 -p 5300 @$NTSS www.other.test)" \
		"status: SERVFAIL"
	expect_eq "counted" "$(p2_counter servfail)" 3
	proxy2_stop
	# The next upstream when the first one is silent or refuses.
	for proto in --notcp --tcp; do
		proxy2_start -u 127.0.0.1:10059 -u $UP --upstream-timeout 2000
		expect_match "the second upstream answers ($proto)" \
			"$(q $P2 www.other.test ${proto/--notcp/})" \
			"^rcode NOERROR .*192\.0\.2\.80"
		expect_eq "no SERVFAIL" "$(p2_counter servfail)" 0
		proxy2_stop
	done
	lab_stop_clean
}

test_tcp() {
	local out
	router_up
	expect_match "several queries on one connection" \
		"$(x gn $TOOL pipeline $NTSS www.other.test h1.other.test \
			t1.other.test alice.example.net nope.other.test)" \
		"matched 5 of 5$"
	expect_match "dig +tcp" "$(answer +tcp @$NTSS alice.example.net)" \
		"^alice\.example\.net\. 0 $RTR$"
	lab_restart --tcp-idle-timeout 300
	out=$(x gn $TOOL idle $NTSS 5)
	expect_eq "an idle connection is closed" "$out" "closed"
	lab_stop_clean
}

test_truncation() {
	fake_upstream
	proxy2_start -u $FAKE_UP
	local out
	# The scripted upstream ignores the client's size; ntsdns does not.
	out=$(q $P2 big.fake.test TXT)
	expect_match "no EDNS: TC" "$out" "^rcode NOERROR tc 1 an 0 "
	expect_eq "and 512 bytes at most" "$(($(size "$out") <= 512))" 1
	out=$(q $P2 big.fake.test TXT --edns 1232)
	expect_match "EDNS 1232: TC" "$out" "^rcode NOERROR tc 1 an 0 "
	expect_eq "and 1232 bytes at most" "$(($(size "$out") <= 1232))" 1
	expect_match "TCP: the whole answer" "$(q $P2 big.fake.test TXT --tcp)" \
		"^rcode NOERROR tc 0 an 1 size 3068 "
	expect_eq "counted" "$(p2_counter truncated)" 2
	proxy2_stop
	lab_stop_clean
}

test_retransmission_one_upstream_query() {
	fake_upstream
	proxy2_start -u $FAKE_UP
	expect_match "three copies in a second, one answer" \
		"$(x gn $TOOL dup $P2 slow.fake.test)" "^answers 1"
	expect_eq "one query upstream" "$(grep -c 'query slow' "$TMP/up.log")" 1
	expect_eq "two duplicates" "$(p2_counter duplicates)" 2
	proxy2_stop
	lab_stop_clean
}

test_wrong_answers_ignored() {
	fake_upstream
	proxy2_start -u $FAKE_UP
	# Another question, another ID, another port first: only then ours.
	expect_match "UDP" "$(q $P2 spoof.fake.test)" \
		"^rcode NOERROR .* spoof\.fake\.test\./300/192\.0\.2\.9$"
	expect_match "TCP" "$(q $P2 spoof.fake.test --tcp)" \
		"^rcode NOERROR .* spoof\.fake\.test\./300/192\.0\.2\.9$"
	# (A TCP client's query goes over UDP first; TC: over TCP.)
	expect_match "TCP upstream" "$(q $P2 tcp-spoof.fake.test --tcp)" \
		"^rcode NOERROR .* tcp-spoof\.fake\.test\./300/192\.0\.2\.9$"
	expect_eq "asked over UDP, then TCP" \
		"$(grep -c 'query tcp-spoof' "$TMP/up.log") $(grep -c 'query tcp-spoof.* tcp' "$TMP/up.log")" \
		"2 1"
	expect_match "a broken answer first" "$(q $P2 garbage.fake.test)" \
		"^rcode NOERROR .*/192\.0\.2\.10$"
	# 3 for spoof over UDP, 3 for it asked over TCP (sent over UDP), 2
	# for tcp-spoof over TCP (no other port there), 1 garbage.
	expect_eq "the wrong ones counted" "$(p2_counter upstream_ignored)" 9
	proxy2_stop
	lab_stop_clean
}

test_burst() {
	local a out i pids=()
	for a in 11 12 13; do
		x gn ip addr add 198.51.100.$a/24 dev eth0
	done
	out=$(x gn $TOOL burst $NTSS $GN 198.51.100.11 198.51.100.12 \
		198.51.100.13)
	expect_match "1,000 at once from 4 addresses" "$out" \
		"answered 1000 of 1000, 0 wrong, 0 missing$"
	# And 10 TCP clients at once, 20 queries each.
	for ((i = 0; i < 10; i++)); do
		x gn $TOOL pipeline $NTSS \
			$(seq -f "t%g.other.test" $((i * 20)) $((i * 20 + 19))) \
			--type TXT >"$TMP/tcp$i" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	expect_eq "every TCP answer matched" \
		"$(cat "$TMP"/tcp* | grep -c 'matched 20 of 20')" 10
	expect_eq "no SERVFAIL" "$(lab_counter servfail)" 0
	lab_stop_clean
}

# A wildcard listener answers each query from the address it was sent
# to (IP_PKTINFO, per datagram of a recvmmsg/sendmmsg batch), or the
# client would drop the answer.
test_wildcard_answers_from_address_asked() {
	local a out pid
	x ntss ip addr add 198.51.100.56/24 dev eth0
	defer x ntss ip addr del 198.51.100.56/24 dev eth0
	(exec $NETLAB exec ntss "$NTSDNS" -l 0.0.0.0:5302 -u $UP \
		>"$TMP/any.log" 2>&1) &
	pid=$!
	defer kill -KILL $pid
	wait_for 10 grep -q "listening on" "$TMP/any.log" ||
		fail "ntsdns did not start: $(cat "$TMP/any.log")"
	for a in $NTSS 198.51.100.56; do
		expect_eq "dig at $a: the answer from $a" \
			"$(x gn dig +short +tries=1 +time=3 -p 5302 @$a h7.other.test)" \
			192.0.2.7
	done
	out=$(x gn $TOOL burst 198.51.100.56:5302 $GN)
	expect_match "1,000 at once to the second address, answered from it" \
		"$out" "answered 1000 of 1000, 0 wrong, 0 missing$"
	kill -TERM $pid
	wait $pid
	expect_eq "ntsdns exit status" "$?" 0
	expect_clean_log "$TMP/any.log"
}

test_malformed_input() {
	local out c
	out=$(x gn $TOOL junk $NTSS)
	for c in "header only, qdcount 1" "truncated question" \
		"qdcount lies" "ancount lies" "arcount lies" "pointer loop" \
		"pointer forward" "label too long" "two OPT records"; do
		expect_match "udp $c" "$out" "udp $c: FORMERR"
		expect_match "tcp $c" "$out" "tcp $c: FORMERR"
	done
	for c in "empty" "one byte" "short header" "a response"; do
		expect_match "udp $c: dropped" "$out" "udp $c: none"
		expect_match "tcp $c: dropped" "$out" "tcp $c: none"
	done
	expect_no_match "every answer has its ID" "$out" "wrong-id"
	expect_gt "counted" "$(lab_counter malformed)" 25
	expect_match "and it still answers" "$(answer @$NTSS www.other.test)" \
		"192\.0\.2\.80$"
	lab_stop_clean
}

# The router's answer decides per address: ACCEPT with an address
# rewrites that router's records; silence leaves the others alone.
test_accept_with_address() {
	fake_upstream
	fake_router $R1 accept-addr=$RTR
	fake_router $R2 silent
	proxy2_start -u $FAKE_UP -z "nts.test:$STATE/nts.key" --nego-timeout 800
	expect_match "one rewritten, one unchanged" \
		"$(q $P2 MuLti.NTS.test)" \
		"multi\.nts\.test\./0/$RTR multi\.nts\.test\./300/$R2$"
	expect_match "the NOTICE: GN, the name in lower case, signed" \
		"$(cat "$TMP/router-$R1.log")" \
		"notice [0-9]+ $GN multi\.nts\.test [0-9]+ signed"
	expect_eq "resent once to the silent one, same TxID, new nonce" \
		"$(awk '/^notice/ {print $2}' "$TMP/router-$R2.log" | uniq -c | awk '{print $1}')" 2
	expect_eq "two nonces" \
		"$(awk '/^notice/ {print $5}' "$TMP/router-$R2.log" | sort -u | wc -l)" 2
	expect_match "logged" "$(cat "$TMP/p2.log")" \
		"multi\.nts\.test for $GN via $R1: ACCEPT in [0-9]+ ms; answered with $RTR, TTL 0"
	expect_eq "accepted" "$(p2_counter accepted)" 1
	expect_eq "timeouts" "$(p2_counter timeouts)" 1
	proxy2_stop
	lab_stop_clean
}

# Behind a forwarder, the GN is the forwarder, unless ntsdns is told to
# trust the forwarder's EDNS Client Subnet (--trust-ecs).
test_trust_ecs() {
	router_up
	mkdir -p "$TMP/www"
	echo "alice's page" >"$TMP/www/index.html"
	bg pn python3 -m http.server -d "$TMP/www" 8080 >/dev/null 2>&1
	wait_for 5 listening pn 8080
	dnsdist_start || return 0
	expect_match "through dnsdist: TTL 0" \
		"$(answer -p 5400 @$NTSS alice.example.net)" \
		"^alice\.example\.net\. 0 $RTR$"
	expect_match "not trusted: negotiated for the forwarder" \
		"$(cat "$LOG")" "alice\.example\.net for $NTSS via $RTR: ACCEPT"
	expect_no_match "so gn has no request cache entry" "$($NTSCTL rc)" \
		"^$GN "
	expect_fail "and cannot get in" x gn curl -s -m 2 http://$RTR:8080/
	lab_restart --trust-ecs 198.51.100.48/28
	# dnsdist saw ntsdns gone: until its health check sees it back.
	dnsdist_wait
	expect_match "trusted: TTL 0 again" \
		"$(answer -p 5400 @$NTSS alice.example.net)" \
		"^alice\.example\.net\. 0 $RTR$"
	expect_match "negotiated for the host in ECS" "$(cat "$LOG")" \
		"alice\.example\.net for $GN via $RTR: ACCEPT"
	expect_match "gn's request cache entry" "$($NTSCTL rc)" \
		"$GN +$RTR +$PN +alice\.example\.net"
	expect_eq "gn gets in" "$(x gn curl -s -m 3 http://$RTR:8080/)" \
		"alice's page"
	# gn as the trusted forwarder itself: without ECS it is the GN...
	lab_restart --trust-ecs $GN/32
	expect_match "a trusted client without ECS is the GN itself" \
		"$(answer @$NTSS alice.example.net)" \
		"^alice\.example\.net\. 0 $RTR$"
	expect_match "negotiated for gn" "$(cat "$LOG")" \
		"alice\.example\.net for $GN via $RTR: ACCEPT"
	# ...with a /32 the host in it is, and the answer is scoped to it.
	expect_match "the answer's ECS scope is /32" \
		"$(x gn dig +time=5 +tries=1 +subnet=198.51.100.99/32 \
			@$NTSS alice.example.net)" \
		"CLIENT-SUBNET: 198\.51\.100\.99/32/32"
	expect_match "negotiated for the ECS address" "$(cat "$LOG")" \
		"alice\.example\.net for 198\.51\.100\.99 via $RTR: ACCEPT"
	expect_no_match "a shorter prefix names no host: the client" \
		"$(x gn dig +time=5 +tries=1 +subnet=198.51.100.0/24 \
			@$NTSS alice.example.net; cat "$LOG")" \
		"for 198\.51\.100\.0 "
	kill -TERM "$DDPID"
	DDPID=
	lab_stop_clean
}

test_cname_chain_and_rrsig() {
	fake_upstream
	fake_router $R1 accept
	proxy2_start -u $FAKE_UP -z "nts.test:$STATE/nts.key"
	expect_match "the CNAME stays, its target's A is negotiated" \
		"$(q $P2 chain.fake.test)" \
		"chain\.fake\.test\./300/web\.nts\.test\. web\.nts\.test\./0/$R1$"
	expect_match "the NOTICE names the A record's owner" \
		"$(cat "$TMP/router-$R1.log")" "notice [0-9]+ $GN web\.nts\.test "
	expect_match "the RRSIG passes unchanged" \
		"$(q $P2 signed.nts.test)" \
		"signed\.nts\.test\./0/$R1 signed\.nts\.test\./300/0001"
	expect_match "outside the zone: byte for byte" \
		"$(x ntss $TOOL same $P2 $FAKE_UP signed.fake.test --do --edns 1232)" \
		"^same "
	proxy2_stop
	lab_stop_clean
}

test_forged_answers_ignored() {
	fake_upstream
	fake_router $R1 unsigned
	fake_router $R2 wrongkey
	proxy2_start -u $FAKE_UP -z "nts.test:$STATE/nts.key" --nego-timeout 600
	expect_match "as if no answer came" "$(q $P2 multi.nts.test)" \
		"multi\.nts\.test\./300/$R1 multi\.nts\.test\./300/$R2$"
	expect_eq "both timed out" "$(p2_counter timeouts)" 2
	expect_eq "their four answers ignored" "$(p2_counter nego_ignored)" 4
	expect_eq "none accepted" "$(p2_counter accepted)" 0
	proxy2_stop
	lab_stop_clean
}

# While one answer waits for a silent router, others are answered: the
# second query (no NTS-Nego) is back while the first still waits.
test_others_not_held() {
	fake_upstream
	fake_router $R1 silent
	fake_router $R2 silent
	proxy2_start -u $FAKE_UP -z "nts.test:$STATE/nts.key" \
		--nego-timeout 4000
	local held
	x gn $TOOL query $P2 multi.nts.test >"$TMP/held" &
	held=$!
	wait_for 5 grep -q notice "$TMP/router-$R1.log"
	expect_match "another client's query" "$(q $P2 www.fake.test)" \
		"^rcode NOERROR .*/192\.0\.2\.1$"
	expect_eq "while the first is still held" "$(cat "$TMP/held")" ""
	wait $held
	expect_match "which then comes unchanged" "$(head -1 "$TMP/held")" \
		"multi\.nts\.test\./300/$R1 "
	proxy2_stop
	lab_stop_clean
}

test_errors() {
	local out rc
	out=$(x ntss "$NTSDNS" -l $P2 2>&1)
	rc=$?
	expect_eq "no upstream: status 2" "$rc" 2
	expect_match "says what to do" "$out" \
		"no upstream: give the resolver to forward to with -u"
	expect_match "a missing key file" \
		"$(x ntss "$NTSDNS" -u $UP -z example.net:/nonexistent 2>&1)" \
		"--zone: /nonexistent: No such file or directory"
	expect_match "no key file at all" \
		"$(x ntss "$NTSDNS" -u $UP -z example.net 2>&1)" \
		"'example\.net' is not ZONE:KEYFILE"
	expect_match "a bad address" "$(x ntss "$NTSDNS" -u 1.2.3 2>&1)" \
		"--upstream: '1\.2\.3' is not ADDR\[:PORT\]"
	out=$(x ntss "$NTSDNS" -l $NTSS -u $UP 2>&1)
	rc=$?
	expect_match "the port is taken" "$out" \
		"cannot listen on $NTSS:53/udp: Address already in use \(another DNS server there"
	expect_eq "status 1" "$rc" 1
	expect_no_match "no leak on the way out" "$out" "Sanitizer"
	# Workers' sockets are SO_REUSEPORT, which any process of ours could
	# join: a second ntsdns must fail as well, whatever its --threads.
	local t
	for t in 1 2; do
		out=$(x ntss timeout 10 "$NTSDNS" -l $NTSS -u $UP --threads $t 2>&1)
		rc=$?
		expect_match "--threads $t: the port is taken, not shared" "$out" \
			"cannot listen on $NTSS:53/udp: Address already in use"
		expect_eq "--threads $t: status 1" "$rc" 1
	done
	lab_stop_clean
}

run_tests
