# SPDX-License-Identifier: GPL-2.0
# ntsdns against hostile clients and careless operators (issue 22): a
# name that would make it a NOTICE amplifier, query floods that would
# flood its log, TCP connections that would lock others out, a client
# behind dnsdist naming its own GN, names that would forge log lines, and
# options that make no sense. Same lab and helpers as test_ntsdns.sh.
AREA=ntsdns_abuse
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ntsdns_lib.sh"

# (11) An upstream that is ntsdns itself, and a --trust-ecs for everyone.
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
	lab_stop_clean
}

# (6) A flood of queries is not a flood of log lines: 300 answers wait
# for a router that is not there, each a "no answer" line.
test_log_bounded() {
	local lines left
	proxy2_start -u $UP -z "example.net:$STATE/nts.key" --log-rate 5 \
		--nego-timeout 400
	expect_eq "all answered" \
		"$(x gn $TOOL flood $P2 alice.example.net 300)" \
		"answered 300 of 300"
	wait_for 5 grep -q "more messages left out" "$TMP/p2.log"
	lines=$(grep -c "alice\.example\.net for $GN via $RTR: no answer" \
		"$TMP/p2.log")
	left=$(p2_counter log_left_out)
	expect_eq "every one logged or counted" "$((lines + left))" 300
	expect_eq "most left out" "$((lines < 150))" 1
	expect_match "and said so" "$(cat "$TMP/p2.log")" \
		"ntsdns: [0-9]+ more messages left out \(--log-rate 5 a second\)"
	expect_eq "timeouts: all" "$(p2_counter timeouts)" 300
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

run_tests
