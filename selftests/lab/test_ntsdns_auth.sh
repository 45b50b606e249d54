# SPDX-License-Identifier: GPL-2.0
# ntsdns --authoritative (issue 20), built with ASan and UBSan: in front
# of the lab's authoritative BIND (ddns) or a scripted upstream, asked by
# stock dig from gn as a public resolver would ask, with EDNS Client
# Subnet: the network it names is the GN (a prefix NOTICE), the answer
# echoes ECS scoped to it when a router accepted, else scope 0; without
# ECS nothing is negotiated unless the resolver is a --trust-resolver.
AREA=ntsdns_auth
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ntsdns_lib.sh"

NET=198.51.100.0
# dig at the second ntsdns ($P2), from gn: "+subnet=..." and the rest.
adig() { x gn dig -p 5300 +time=5 +tries=1 @$NTSS "$@"; }
# The CLIENT-SUBNET dig shows ("198.51.100.0/24/24"), or nothing.
ecs_of() { echo "$1" | awk '/CLIENT-SUBNET:/ {print $3}'; }
# The TTL of the answer's first record for $2 (of type $3, A).
ttl_of() {
	echo "$1" | awk -v n="$2." -v t="${3:-A}" '$1 == n && $4 == t {print $2; exit}'
}

# In front of BIND, with the lab's ntsload behind alice's address: the
# NOTICE is a prefix NOTICE; whatever the router says (one older than
# issue 20 REFUSES it), the answer carries ECS with the matching scope.
test_bind_ecs_prefix() {
	local out log verdict scope ttl
	router_up
	# BIND 9.18, authoritative, takes a query with ECS (no FORMERR):
	# ntsdns forwards it as it came.
	expect_match "BIND itself answers ECS queries" \
		"$(x gn dig +time=5 +tries=1 +subnet=$NET/24 @$DDNS alice.example.net)" \
		"status: NOERROR"
	proxy2_start -u $DDNS -z "example.net:$STATE/nts.key" --authoritative
	out=$(adig +subnet=$NET/24 alice.example.net)
	expect_match "BIND's answer through ntsdns" "$out" \
		"alice\.example\.net\..*IN	A	$RTR"
	expect_eq "negotiated" "$(p2_counter negotiated)" 1
	expect_eq "a NOTICE for the network" "$(p2_counter ecs_prefix)" 1
	log=$(cat "$TMP/p2.log")
	expect_match "the GN logged as the network" "$log" \
		"alice\.example\.net for $NET/24 via $RTR: (ACCEPT|REFUSED)"
	verdict=$(echo "$log" | grep -o "for $NET/24 via $RTR: [A-Z]*" | awk '{print $NF}')
	scope=0 ttl=300
	[ "$verdict" = ACCEPT ] && scope=24 ttl=0
	expect_eq "ECS echoed, scope by the verdict ($verdict)" \
		"$(ecs_of "$out")" "$NET/24/$scope"
	expect_eq "TTL by the verdict ($verdict)" \
		"$(ttl_of "$out" alice.example.net)" $ttl
	# Not an NTS answer (SOA): ECS echoed, scope 0, nothing negotiated.
	out=$(adig +subnet=$NET/24 example.net SOA)
	expect_eq "outside the NTS names: scope 0" "$(ecs_of "$out")" "$NET/24/0"
	expect_eq "still one negotiated" "$(p2_counter negotiated)" 1
	# No ECS, not a --trust-resolver: unchanged, counted, logged.
	out=$(adig alice.example.net)
	expect_match "no ECS: TTL unchanged" "$(ttl_of "$out" alice.example.net)" \
		"^[1-9][0-9]*$"
	expect_eq "no ECS: none echoed" "$(ecs_of "$out")" ""
	expect_eq "no_ecs" "$(p2_counter no_ecs)" 1
	expect_eq "no ECS: not negotiated" "$(p2_counter negotiated)" 1
	expect_match "no ECS: logged, resolver and name" "$(cat "$TMP/p2.log")" \
		"$GN:[0-9]+: alice\.example\.net\. A: no EDNS Client Subnet from this resolver: not negotiated, answered unchanged"
	# A bit past the prefix: FORMERR (RFC 7871 7.1.2).
	out=$(x gn $TOOL query $NTSS:5300 alice.example.net --ecs 198.51.101.0/23)
	expect_match "host bits set: FORMERR" "$out" "^rcode FORMERR "
	proxy2_stop
	lab_stop_clean
}

# The whole way with the lab's router (issue 20's two sides): GN's /24
# asks through ntsdns --authoritative as its resolver would, and GN,
# a host of that /24, then reaches alice's page; before, it could not.
test_bind_prefix_connects() {
	mkdir -p "$TMP/www"
	echo "alice's page" >"$TMP/www/index.html"
	router_up
	bg pn python3 -m http.server -d "$TMP/www" 8080 >/dev/null 2>&1
	wait_for 5 listening pn 8080 || { fail "no web server on pn"; return; }
	proxy2_start -u $DDNS -z "example.net:$STATE/nts.key" --authoritative
	expect_eq "before: GN gets nothing" \
		"$(x gn curl -s -m 2 http://$RTR:8080/)" ""
	expect_eq "the answer, scoped to the /24" \
		"$(ecs_of "$(adig +subnet=$NET/24 alice.example.net)")" "$NET/24/24"
	expect_match "the router keeps the network" "$($NTSCTL rc)" "$NET/24"
	expect_eq "GN, of the /24, reaches alice" \
		"$(x gn curl -s -m 5 http://$RTR:8080/)" "alice's page"
	proxy2_stop
	lab_stop_clean
}

# A router that ACCEPTs the network (scripted, repeating the prefix):
# scope /24, TTL 0; /32 is a host; an IPv6 /56 is not negotiated.
test_fake_router_accept() {
	local out
	fake_upstream
	fake_router $R1 accept
	proxy2_start -u $FAKE_UP -z "nts.test:$STATE/nts.key" --authoritative
	out=$(adig +subnet=$NET/24 ecs.nts.test)
	expect_eq "ACCEPT: scope /24" "$(ecs_of "$out")" "$NET/24/24"
	expect_eq "ACCEPT: TTL 0" "$(ttl_of "$out" ecs.nts.test)" 0
	expect_match "the router saw the network" \
		"$(cat "$TMP/router-$R1.log")" "notice [0-9]+ $NET/24 ecs\.nts\.test [0-9]+ signed"
	expect_match "logged" "$(cat "$TMP/p2.log")" \
		"ecs\.nts\.test for $NET/24 via $R1: ACCEPT in [0-9]+ ms; TTL 0"
	out=$(adig +subnet=203.0.113.7/32 ecs.nts.test)
	expect_eq "/32: scope /32" "$(ecs_of "$out")" "203.0.113.7/32/32"
	expect_match "/32: the host" "$(cat "$TMP/router-$R1.log")" \
		"notice [0-9]+ 203\.0\.113\.7 ecs\.nts\.test "
	out=$(adig +subnet=2001:db8:1:2000::/56 ecs.nts.test)
	expect_eq "A for an IPv6 /56: scope 0" "$(ecs_of "$out")" "2001:db8:1:2000::/56/0"
	expect_eq "... TTL unchanged" "$(ttl_of "$out" ecs.nts.test)" 300
	expect_eq "no IPv6 network NOTICE for an A" "$(p2_counter ecs_v6_prefix)" 0
	expect_eq "ecs_prefix" "$(p2_counter ecs_prefix)" 1
	expect_eq "negotiated: the /24 and the /32" "$(p2_counter negotiated)" 2
	proxy2_stop
	lab_stop_clean
}

# A router older than network NOTICEs REFUSES them, with the GN's
# address and no prefix flag: its answer all the same, and unchanged.
test_old_router_refuses() {
	local out
	fake_upstream
	fake_router $R1 refused-old
	proxy2_start -u $FAKE_UP -z "nts.test:$STATE/nts.key" --authoritative
	out=$(adig +subnet=$NET/24 ecs.nts.test)
	expect_eq "REFUSED: scope 0" "$(ecs_of "$out")" "$NET/24/0"
	expect_eq "REFUSED: TTL unchanged" "$(ttl_of "$out" ecs.nts.test)" 300
	expect_eq "refused, not a timeout" \
		"$(p2_counter refused) $(p2_counter timeouts)" "1 0"
	expect_match "logged, saying why" "$(cat "$TMP/p2.log")" \
		"ecs\.nts\.test for $NET/24 via $R1: REFUSED in [0-9]+ ms \(see the router's log; one older than network GNs"
	proxy2_stop
	lab_stop_clean
}

# An IPv6 ECS /128 is a host: an IPv6 NOTICE for it (to the
# --v6-router of the AAAA record), scope /128 when ACCEPTed.
test_fake_router_v6_host() {
	local out
	fake_upstream
	fake_router $R1 accept
	proxy2_start -u $FAKE_UP -z "nts.test:$STATE/nts.key" --authoritative \
		--v6-router 2001:db8:1::/48=$R1
	out=$(adig +subnet=2001:db8:9::7/128 ecs.nts.test AAAA)
	expect_eq "/128: scope /128" "$(ecs_of "$out")" "2001:db8:9::7/128/128"
	expect_eq "/128: TTL 0" "$(ttl_of "$out" ecs.nts.test AAAA)" 0
	expect_match "the router saw the IPv6 host" \
		"$(cat "$TMP/router-$R1.log")" "notice [0-9]+ 2001:db8:9::7 ecs\.nts\.test [0-9]+ signed"
	# Google Public DNS's /56: a network NOTICE v6.
	out=$(adig +subnet=2001:db8:9:100::/56 ecs.nts.test AAAA)
	expect_eq "/56: scope /56" "$(ecs_of "$out")" "2001:db8:9:100::/56/56"
	expect_eq "/56: TTL 0" "$(ttl_of "$out" ecs.nts.test AAAA)" 0
	expect_match "the router saw the IPv6 network" \
		"$(cat "$TMP/router-$R1.log")" "notice [0-9]+ 2001:db8:9:100::/56 ecs\.nts\.test [0-9]+ signed"
	expect_eq "counted" "$(p2_counter ecs_v6_prefix)" 1
	out=$(adig +subnet=$NET/24 ecs.nts.test AAAA)
	expect_eq "AAAA for an IPv4 network: unchanged, not withheld" \
		"$(ttl_of "$out" ecs.nts.test AAAA)" 300
	expect_eq "... scope 0" "$(ecs_of "$out")" "$NET/24/0"
	expect_eq "negotiated: the /128 and the /56" "$(p2_counter negotiated)" 2
	expect_eq "nothing withheld" "$(p2_counter withheld_family)" 0
	proxy2_stop
	lab_stop_clean
}

# A --trust-resolver without ECS, or with /0: a NOTICE for anyone.
test_trust_resolver_unbound() {
	local out
	fake_upstream
	fake_router $R1 accept
	proxy2_start -u $FAKE_UP -z "nts.test:$STATE/nts.key" --authoritative \
		--trust-resolver $GN/32
	expect_match "the mode said at start" "$(head -1 "$TMP/p2.log")" \
		"; authoritative: the GN is a client's ECS network, 1 --trust-resolver network for anyone;"
	out=$(adig ecs.nts.test)
	expect_eq "no ECS: TTL 0" "$(ttl_of "$out" ecs.nts.test)" 0
	expect_match "a NOTICE for 0.0.0.0/0" "$(cat "$TMP/router-$R1.log")" \
		"notice [0-9]+ 0\.0\.0\.0/0 ecs\.nts\.test "
	out=$(adig +subnet=0.0.0.0/0 ecs.nts.test)
	expect_eq "/0: echoed, scope 0" "$(ecs_of "$out")" "0.0.0.0/0/0"
	expect_eq "unbound" "$(p2_counter unbound)" 2
	expect_eq "no_ecs" "$(p2_counter no_ecs)" 0
	proxy2_stop
	local rc
	out=$(x ntss timeout 10 "$NTSDNS" -l $P2 -u $FAKE_UP --trust-resolver $GN 2>&1)
	rc=$?
	expect_match "--trust-resolver alone" "$out" "--trust-resolver without --authoritative"
	expect_eq "--trust-resolver alone: status 2 (usage)" "$rc" 2
	lab_stop_clean
}

run_tests
