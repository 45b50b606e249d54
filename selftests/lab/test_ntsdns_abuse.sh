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

run_tests
