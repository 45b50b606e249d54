# SPDX-License-Identifier: GPL-2.0
# ntsload as an operator meets it: restarts that keep flows, pins, clear
# errors, and what ntsctl and bpftool show.
AREA=ntsload
source "$(dirname "$0")/lib.sh"

teardown_each() {
	router_stop
	kill_procs gn pn pn2 rtr
	x rtr "$NTSLOAD" --detach --pin-path "$PINS" eth0 >/dev/null 2>&1
	# What tests pinned themselves, in the lab's pin directories.
	rm -rf "$PINS" "$STATE/bpf/other"
	x rtr tc qdisc del dev eth0 clsact 2>/dev/null
}

# A TCP connection from pn to gn that sends a line a second for $1 s;
# gn writes what arrives to $TMP/long.out.
long_connection() {
	bg gn nc -l 7100 >"$TMP/long.out"
	wait_for 5 listening gn 7100
	for i in $(seq "$1"); do echo "line $i"; sleep 1; done |
		x pn nc -N $GN 7100 &
	LONG=$!
}

flow_port() { $NTSCTL nat | awk -v p="$1" '$2 ~ ":"p"$" {print $3}'; }

restart_keeps_connection() {
	router_start --keep
	long_connection 6
	sleep 1.5
	local before
	before=$($NTSCTL nat | grep ":7100 ")
	expect_match "the flow before the restart" "$before" "ESTABLISHED"
	"$@"
	router_start --keep
	expect_match "the new ntsload reused the pins" \
		"$(cat "$STATE/ntsload.log")" "attached"
	expect_eq "the same flow after the restart" \
		"$($NTSCTL nat | grep ":7100 " | awk '{print $1, $2, $3, $4}')" \
		"$(echo "$before" | awk '{print $1, $2, $3, $4}')"
	wait $LONG
	expect_eq "every line crossed the restart" \
		"$(wc -l <"$TMP/long.out")" 6
	expect_match "the last one too" "$(tail -1 "$TMP/long.out")" "line 6"
}

test_restart_keeps_tcp() {
	restart_keeps_connection router_stop
}

# A crash leaves the datapath and pins; the next start takes them over.
test_crash_restart_keeps_tcp() {
	kill_ntsload() {
		kill -KILL "$(cat "$STATE/ntsload.pid")"
		rm -f "$STATE/ntsload.pid"
		sleep 0.3
	}
	restart_keeps_connection kill_ntsload
}

test_stop_removes_everything() {
	router_start
	expect_ok "pins exist while running" test -e "$PINS/nat"
	router_stop
	expect_fail "pins gone" test -e "$PINS"
	expect_no_match "no XDP left" "$(x rtr ip link show eth0)" "xdp"
	expect_eq "no tc filter left" "$(x rtr tc filter show dev eth0 egress)" ""
}

test_detach_after_keep() {
	router_start --keep
	router_stop
	expect_match "--keep leaves XDP attached" "$(x rtr ip link show eth0)" "xdp"
	expect_ok "--detach" x rtr "$NTSLOAD" --detach --pin-path "$PINS" eth0
	expect_no_match "no XDP left" "$(x rtr ip link show eth0)" "xdp"
	expect_eq "no tc filter left" "$(x rtr tc filter show dev eth0 egress)" ""
	expect_fail "pins gone" test -e "$PINS"
}

test_bpftool_named_fields() {
	router_start
	x pn ping -c 1 -W 2 $GN >/dev/null
	local dump
	dump=$(x rtr bpftool map dump pinned "$PINS/nat")
	for field in saddr daddr sport dport proto dir addr port seen last_ns; do
		expect_match "field $field in the nat dump" "$dump" "\"$field\""
	done
	expect_match "field in the binding dump" \
		"$(x rtr bpftool map dump pinned "$PINS/nat_bind")" '"side"'
}

# --max-flows, --max-names, --max-rc size the maps before they are made;
# without them, the defaults. Pins of other sizes are refused with advice.
max_entries() {
	x rtr bpftool -j map show pinned "$PINS/$1" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["max_entries"])'
}

test_map_sizes() {
	router_start
	expect_eq "default nat size" "$(max_entries nat)" 131072
	expect_eq "default phl size" "$(max_entries phl)" 16384
	expect_eq "default rc size" "$(max_entries rc)" 4096
	router_stop
	router_start --max-flows 2048 --max-names 1000 --max-rc 100
	expect_eq "--max-flows 2048: nat" "$(max_entries nat)" 4096
	expect_eq "--max-flows 2048: nat_bind" "$(max_entries nat_bind)" 4096
	expect_eq "--max-names 1000: phl" "$(max_entries phl)" 1000
	expect_eq "--max-rc 100: rc" "$(max_entries rc)" 100
	x pn ping -c 1 -W 2 $GN >/dev/null
	expect_eq "and it translates" "$($NTSCTL nat --json | python3 -c '
import json, sys; print(json.load(sys.stdin)[0]["proto"])')" icmp
	router_stop
	router_start --keep --max-flows 2048
	router_stop
	expect_error "kept pins of another size" \
		"from another version.*ntsload --detach" \
		x rtr "$NTSLOAD" --pin-path "$PINS" --max-flows 4096 eth0
	expect_error "--max-flows too small" "from 1024 to" \
		x rtr "$NTSLOAD" --max-flows 10 eth0
}

# Type=notify: READY=1 once attached, WATCHDOG=1 from the loop while
# WatchdogSec= is set for this process, STOPPING=1 on the way out.
test_systemd_notify() {
	local sock=$TMP/notify.sock log=$TMP/notify.log

	notify_listen "$sock" "$log" || { fail "no notify socket"; return; }
	NOTIFY_SOCKET=$sock WATCHDOG_USEC=2000000 router_start
	wait_for 10 heard_ge "$log" "READY=1" 1 || fail "no READY=1"
	expect_ne "attached when READY=1" "$(xdp_prog_id)" none
	wait_for 5 heard_ge "$log" "WATCHDOG=1" 3 ||
		fail "WATCHDOG=1 not every second: $(heard "$log" WATCHDOG=1) in 5 s"
	router_stop
	wait_for 5 heard_ge "$log" "STOPPING=1" 1 || fail "no STOPPING=1"

	# The watchdog of another process (WATCHDOG_PID) is not ours.
	sock=$TMP/notify2.sock log=$TMP/notify2.log
	notify_listen "$sock" "$log" || { fail "no notify socket"; return; }
	NOTIFY_SOCKET=$sock WATCHDOG_USEC=2000000 WATCHDOG_PID=1 router_start
	wait_for 10 heard_ge "$log" "READY=1" 1 || fail "no READY=1 (2)"
	sleep 2.5
	expect_eq "no WATCHDOG=1 for another pid" "$(heard "$log" WATCHDOG=1)" 0
	router_stop
}

# ntsctl stats --prometheus: what Prometheus' own parser reads (Debian's
# python3-prometheus-client), with the conventions of /metrics endpoints.
test_prometheus_stats() {
	router_start
	x pn ping -c 1 -W 2 $GN >/dev/null || fail "no translation"
	$NTSCTL stats --prometheus >"$TMP/m.prom" || { fail "stats --prometheus"; return; }
	/usr/bin/python3 - "$TMP/m.prom" "$(stat out_new)" <<'PY' || fail "exposition: see above"
import sys
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1]).read()
fams = {f.name: f for f in text_string_to_metric_families(text)}
ok = True
def bad(msg):
    global ok
    ok = False
    print(msg)
for f in fams.values():
    if not f.name.startswith("nts_"):
        bad("not nts_: " + f.name)
    if not f.documentation:
        bad("no HELP: " + f.name)
    for s in f.samples:
        if s.labels.get("iface") != "eth0":
            bad("no iface=eth0: %s %s" % (s.name, s.labels))
# The parser strips _total from a counter family's name.
c = fams.get("nts_router_out_new")
if not c or c.type != "counter" or c.samples[0].name != "nts_router_out_new_total":
    bad("no counter nts_router_out_new_total")
elif int(c.samples[0].value) != int(sys.argv[2]) or c.samples[0].value < 1:
    bad("out_new %s, ntsctl stats %s" % (c.samples[0].value, sys.argv[2]))
g = {s.labels["table"]: s.value for s in fams["nts_table_entries"].samples}
cap = {s.labels["table"]: s.value for s in fams["nts_table_capacity"].samples}
if fams["nts_table_entries"].type != "gauge" or g.get("nat", 0) < 2:
    bad("nat entries: %s" % g)
if cap.get("nat") != 131072:
    bad("nat capacity: %s" % cap)
sys.exit(0 if ok else 1)
PY
	# For the textfile collector: the file is replaced whole.
	mkdir -p "$TMP/textfile"
	expect_ok "written to a file" $NTSCTL stats --prometheus "$TMP/textfile/nts.prom"
	expect_eq "the same names" "$(grep -c '^# TYPE' "$TMP/textfile/nts.prom")" \
		"$(grep -c '^# TYPE' "$TMP/m.prom")"
	expect_eq "no temporary file left" "$(ls "$TMP/textfile")" nts.prom
	expect_error "a directory that isn't there" "cannot write" \
		$NTSCTL stats --prometheus "$TMP/none/nts.prom"
	router_stop
}

# ntsctl stats --delta: only what moves while one watches.
test_stats_delta() {
	router_start
	$NTSCTL --json stats --delta 2 >"$TMP/delta.json" &
	local p=$!
	sleep 0.5
	x pn ping -c 3 -i 0.2 -W 2 $GN >/dev/null || fail "no translation"
	wait $p || { fail "stats --delta failed"; return; }
	/usr/bin/python3 - "$TMP/delta.json" <<'PY' || fail "delta: see above"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["seconds"] == 2, d
assert d["moved"].get("out_xlate", 0) >= 3, d
assert "nego_bad" not in d["moved"], d
PY
	# (The expiry pass counts itself every second: never all quiet.)
	expect_no_match "a quiet second: no packet" "$($NTSCTL stats --delta 1)" "out_xlate"
	expect_error "not with nat" "only with stats" $NTSCTL nat --delta 1
	router_stop
}

# --metrics: the same text over HTTP, GET /metrics only, on the router.
test_metrics_http() {
	local url=http://127.0.0.1:9433
	router_start --metrics 127.0.0.1:9433
	wait_for 5 listening rtr 9433 || { fail "nothing on 9433"; return; }
	x pn ping -c 1 -W 2 $GN >/dev/null || fail "no translation"
	# A NOTICE for a name the router lacks: handled, REJECTed.
	x gn "$top/build/nts-nego" --router $RTR -k "$STATE/nts.key" --gn $GN \
		nobody.example.net >/dev/null 2>&1
	x rtr curl -sf -o "$TMP/h.prom" -D "$TMP/h.hdr" $url/metrics ||
		{ fail "GET /metrics"; return; }
	expect_match "content type" "$(cat "$TMP/h.hdr")" \
		"Content-Type: text/plain; version=0.0.4"
	/usr/bin/python3 - "$TMP/h.prom" <<'PY' || fail "exposition: see above"
import sys
from prometheus_client.parser import text_string_to_metric_families
fams = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
c = fams["nts_router_out_new"]
assert c.type == "counter" and c.samples[0].value >= 1, c.samples
assert c.samples[0].labels == {"iface": "eth0"}, c.samples[0].labels
cap = {s.labels["table"]: s.value for s in fams["nts_table_capacity"].samples}
assert cap["phl"] == 16384, cap
h = fams["nts_router_notice_seconds"]
cnt = [s.value for s in h.samples if s.name.endswith("_count")]
assert h.type == "histogram" and cnt == [1], h.samples
PY
	expect_eq "another path" "$(x rtr curl -s -o /dev/null -w '%{http_code}' $url/)" 404
	expect_eq "not GET" "$(x rtr curl -s -o /dev/null -w '%{http_code}' -X POST $url/metrics)" 405
	expect_fail "not on the WAN address" x gn curl -sf -m 2 -o /dev/null http://$RTR:9433/metrics
	router_stop
	expect_error "a bad --metrics" "not ADDR:PORT" \
		x_timeout rtr "$NTSLOAD" --pin-path "$PINS" --metrics 9433 eth0
	expect_error "an address not ours" "cannot listen there" \
		x_timeout rtr "$NTSLOAD" --pin-path "$PINS" --metrics 192.0.2.99:9433 eth0
	expect_no_match "and nothing left attached" "$(x rtr ip link show eth0)" "xdp"
}

# nat_bind holds two bindings a flow, but no more than the ports of the
# router's addresses can make; a kept one keeps its size.
test_bind_table_sized_by_ports() {
	local per_addr=$((2 * 3 * 65536))

	router_start --keep --max-flows 300000
	expect_eq "300000 flows: nat" "$(max_entries nat)" 600000
	expect_eq "one address: nat_bind" "$(max_entries nat_bind)" $per_addr
	router_stop
	x rtr ip addr add 198.51.100.3/24 dev eth0
	defer x rtr ip addr del 198.51.100.3/24 dev eth0
	router_start --keep --max-flows 300000
	expect_eq "a second address, kept pins: nat_bind" \
		"$(max_entries nat_bind)" $per_addr
	x pn ping -c 1 -W 2 $GN >/dev/null || fail "no translation after the restart"
	router_stop
	x rtr "$NTSLOAD" --detach --pin-path "$PINS" eth0 >/dev/null 2>&1
	router_start --max-flows 300000
	expect_eq "two addresses, fresh: nat_bind" "$(max_entries nat_bind)" \
		600000
	router_stop
}

test_ntsctl_json() {
	router_start
	x pn ping -c 1 -W 2 $GN >/dev/null
	expect_eq "nat --json" "$($NTSCTL nat --json | python3 -c '
import json, sys
f = json.load(sys.stdin)[0]
print(f["proto"], f["inside"].split(":")[0], f["remote"].split(":")[0])')" \
		"icmp $PN $GN"
	expect_gt "stats --json" "$($NTSCTL --json stats | python3 -c '
import json, sys; print(json.load(sys.stdin)["out_xlate"])')" 0
	expect_match "ntsctl on an interface without ntsload" \
		"$(x rtr "$top/build/ntsctl" -i eth9 nat 2>&1)" "is ntsload running"
}

test_ntsctl_status() {
	router_start --mapping apdm
	x pn ping -c 1 -W 2 $GN >/dev/null
	local out
	out=$(x rtr "$top/build/ntsctl" -P "$PINS" status)
	expect_match "attachment" "$out" "WAN +eth0 \(XDP (native|generic), prog [0-9]+\)"
	expect_match "addresses" "$out" "addresses +$RTR"
	expect_match "NAT kind" "$out" "NAT +apdm\+apdf, ports"
	expect_match "fill levels" "$out" "nat 2/[0-9]+"
	expect_match "counters" "$out" "flows +1 opened from inside"
	expect_eq "JSON" "$(x rtr "$top/build/ntsctl" -P "$PINS" status --json |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["mapping"], d["maps"]["nat"]["entries"])')" "apdm 2"
	# From the host's namespace, eth0's ifindex names another interface.
	expect_match "from another namespace: said so" \
		"$("$top/build/ntsctl" -P "$PINS" status)" \
		"WAN +ifindex [0-9]+ \(XDP prog [0-9]+, not found here: run ntsctl in the router's network namespace\)"
	router_stop
	expect_match "ntsload gone: not attached" \
		"$(x rtr "$top/build/ntsctl" -P "$PINS" status 2>&1)" \
		"NOT ATTACHED|is ntsload running"
}

# What a mistake gets: one clear line, no libbpf dump, status 1.
expect_error() {
	local what=$1 re=$2 out
	shift 2
	out=$("$@" 2>&1) && { fail "$what: succeeded"; return; }
	expect_match "$what" "$out" "$re"
	expect_no_match "$what: no libbpf noise" "$out" "libbpf"
}

test_errors() {
	expect_error "no such interface" "no interface 'eth9'" \
		x rtr "$NTSLOAD" --pin-path "$PINS" eth9
	expect_error "not root" "must run as root" \
		x rtr setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$NTSLOAD" eth0
	expect_error "no bpffs" "not on a BPF file system" \
		x rtr "$NTSLOAD" --pin-path "$TMP/pins" eth0
	expect_error "bad port range" "not LO-HI" \
		x rtr "$NTSLOAD" --port-range 9-2 eth0
	expect_error "range in the local ephemeral ports" \
		"overlaps the router's own ephemeral ports" \
		x rtr "$NTSLOAD" --pin-path "$PINS" --port-range 40000-41000 eth0
	expect_error "bad mode" "not native, generic or auto" \
		x rtr "$NTSLOAD" --xdp-mode turbo eth0
	expect_error "no interface given" "which interface" x rtr "$NTSLOAD"
	router_start
	expect_error "second instance" "another ntsload is running on eth0" \
		x rtr "$NTSLOAD" --pin-path "$PINS" eth0
	expect_error "detach while running" "another ntsload is running" \
		x rtr "$NTSLOAD" --detach --pin-path "$PINS" eth0
	expect_match "--help documents the flags" "$("$NTSLOAD" --help)" \
		"--port-range LO-HI.*"
}

# A map of another layout where ntsload expects its own: the load fails
# with advice, and nothing of the old state is destroyed.
test_pins_of_another_layout() {
	x rtr mkdir -p "$PINS"
	x rtr bpftool map create "$PINS/nat" type hash key 4 value 4 \
		entries 8 name nat || { fail "bpftool map create"; return; }
	expect_error "mismatched pins" "from another version.*ntsload --detach" \
		x rtr "$NTSLOAD" --pin-path "$PINS" eth0
	expect_ok "the old map is left alone" test -e "$PINS/nat"
	expect_no_match "nothing attached" "$(x rtr ip link show eth0)" "xdp"
}

test_foreign_xdp_program_kept() {
	# Somebody else's XDP program is not replaced.
	x rtr ip link set dev eth0 xdpgeneric \
		obj "$top/build/selftests/xdp_pass.bpf.o" sec xdp 2>/dev/null ||
		{ fail "could not attach a test XDP program"; return; }
	expect_error "another XDP program" "already has another XDP program" \
		timeout 10 ip netns exec ${P}rtr "$NTSLOAD" --pin-path "$PINS" eth0
	expect_match "and it is still there" "$(x rtr ip link show eth0)" \
		"xdpgeneric"
	x rtr ip link set dev eth0 xdpgeneric off
}

# An ntsload that must be refused: one that is not is stopped, not waited for.
x_timeout() {
	local ns=$1
	shift
	timeout 10 ip netns exec "$P$ns" "$@"
}

xdp_prog_id() {
	x rtr ip -j link show eth0 | python3 -c '
import json, sys; print(json.load(sys.stdin)[0].get("xdp", {}).get("prog", {}).get("id", "none"))'
}

# Issue 22: a second ntsload on the interface, whatever its pin directory
# and NTS-Nego port, is refused before it touches anything.
test_second_instance_refused() {
	router_start
	local id other=$STATE/bpf/other before
	id=$(xdp_prog_id)
	x pn ping -c 1 -W 2 $GN >/dev/null
	before=$(stat out_xlate)
	expect_error "second ntsload, other pins and port" \
		"another ntsload is running on eth0 in this network namespace \(pid $(cat "$STATE/ntsload.pid"), maps in $PINS\)" \
		x_timeout rtr "$NTSLOAD" --pin-path "$other" --nego-port 20054 \
		-k "$STATE/nts.key" eth0
	expect_error "--detach with other pins" "another ntsload is running on eth0" \
		x_timeout rtr "$NTSLOAD" --detach --pin-path "$other" eth0
	expect_fail "it pinned nothing" test -e "$other"
	expect_eq "the first one's XDP program stays" "$(xdp_prog_id)" "$id"
	expect_match "and its tc filter" \
		"$(x rtr tc filter show dev eth0 egress)" "nts_wan_out"
	expect_ok "the first still forwards" x pn ping -c 1 -W 2 $GN
	expect_gt "and translates" "$(stat out_xlate)" "$before"
	expect_ok "its NTS-Nego port is still open" \
		test -n "$(x rtr ss -Hlun 'sport = :20053')"
}

# A datapath kept (--keep) with other pins is another ntsload's too.
test_kept_datapath_of_other_pins() {
	router_start --keep
	router_stop
	local id other=$STATE/bpf/other
	id=$(xdp_prog_id)
	expect_error "start with other pins" \
		"has an NTS datapath \(XDP program id $id\) whose maps are not in $other" \
		x_timeout rtr "$NTSLOAD" --pin-path "$other" -k "$STATE/nts.key" eth0
	expect_error "--detach with other pins" "whose maps are not in $other" \
		x_timeout rtr "$NTSLOAD" --detach --pin-path "$other" eth0
	expect_fail "it pinned nothing" test -e "$other"
	expect_eq "the kept XDP program stays" "$(xdp_prog_id)" "$id"
	expect_ok "the kept datapath still forwards" x pn ping -c 1 -W 2 $GN
	expect_ok "its own pins still detach it" \
		x rtr "$NTSLOAD" --detach --pin-path "$PINS" eth0
	expect_eq "detached" "$(xdp_prog_id)" none
}

foreign_pin() {
	x rtr mkdir -p "$PINS"
	x rtr bpftool map create "$PINS/foreign" type array key 4 value 4 \
		entries 1 name foreign
}

# Issue 22: a shared --pin-path. Somebody else's pin there is never
# removed; one there before ntsload starts makes it refuse the directory.
test_foreign_pins_kept() {
	foreign_pin || { fail "bpftool map create"; return; }
	expect_error "a directory with a foreign pin" \
		"$PINS holds foreign, which is not one of ntsload's maps" \
		x_timeout rtr "$NTSLOAD" --pin-path "$PINS" eth0
	expect_fail "nothing pinned" test -e "$PINS/nat"
	expect_eq "nothing attached" "$(xdp_prog_id)" none
	x rtr rm "$PINS/foreign"

	router_start
	foreign_pin
	router_stop
	expect_ok "a foreign pin added meanwhile survives the stop" \
		test -e "$PINS/foreign"
	expect_fail "ntsload's own are gone" test -e "$PINS/nat"
	expect_match "and it says why the directory stays" \
		"$(cat "$STATE/ntsload.log")" "left $PINS in place: it holds foreign"
	x rtr rm "$PINS/foreign"

	router_start --keep
	foreign_pin
	router_stop
	expect_ok "--detach" x rtr "$NTSLOAD" --detach --pin-path "$PINS" eth0
	expect_ok "a foreign pin survives --detach" test -e "$PINS/foreign"
	expect_fail "ntsload's own are gone" test -e "$PINS/config"
	expect_eq "and the datapath" "$(xdp_prog_id)" none
	x rtr rm "$PINS/foreign"
}

# Issue 22: an ip_local_port_range that leaves (almost) nothing for NAT
# is refused by default; an explicit --port-range is the operator's word.
test_degenerate_port_range_refused() {
	local orig
	orig=$(x rtr sysctl -n net.ipv4.ip_local_port_range)
	x rtr sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
	expect_error "nothing left" \
		"net.ipv4.ip_local_port_range 1024 65535 leaves no port of 1024-65535 for NAT.*--port-range" \
		x_timeout rtr "$NTSLOAD" --pin-path "$PINS" eth0
	x rtr sysctl -qw net.ipv4.ip_local_port_range="1024 64600"
	expect_error "too little left" \
		"leaves only 935 ports \(64601-65535\) of 1024-65535 for NAT, fewer than 1024.*--port-range" \
		x_timeout rtr "$NTSLOAD" --pin-path "$PINS" eth0
	expect_eq "nothing attached" "$(xdp_prog_id)" none
	expect_fail "nothing pinned" test -e "$PINS/nat"
	expect_ok "a small --port-range outside it is the operator's choice" \
		router_start --port-range 64601-64700
	router_stop
	x rtr sysctl -qw net.ipv4.ip_local_port_range="$orig"
}

# Issue 22: an --addr the interface doesn't have is refused.
test_addr_not_on_interface() {
	expect_error "--addr not on eth0" \
		"--addr 198\.51\.100\.99 is not an address of eth0 \(it has: $RTR\)" \
		x_timeout rtr "$NTSLOAD" --pin-path "$PINS" --addr $RTR \
		--addr 198.51.100.99 eth0
	expect_eq "nothing attached" "$(xdp_prog_id)" none
	expect_ok "one it has is taken" router_start --addr $RTR
}

has_clsact() { [[ $(x rtr tc qdisc show dev eth0) == *clsact* ]]; }

# Issue 22: the clsact qdisc ntsload created goes with it, by a stop or by
# --detach after --keep, unless somebody else's filter is on it; one that
# was there before ntsload stays.
test_clsact_qdisc_removed() {
	router_start
	expect_ok "clsact while running" has_clsact
	router_stop
	expect_fail "a stop removes the clsact qdisc it made" has_clsact

	router_start --keep
	router_stop
	expect_ok "--keep leaves it" has_clsact
	router_start --keep
	router_stop
	expect_ok "--detach after two kept runs" \
		x rtr "$NTSLOAD" --detach --pin-path "$PINS" eth0
	expect_fail "removes it too" has_clsact

	router_start
	# Somebody else's filter on the same qdisc (it matches nothing).
	x rtr tc filter add dev eth0 ingress prio 7 protocol ip u32 \
		match u32 0xffffffff 0xffffffff at 0 classid 1:1 ||
		{ fail "could not add a u32 filter"; return; }
	router_stop
	expect_ok "a qdisc with a foreign filter stays" has_clsact
	expect_match "and the filter with it" \
		"$(x rtr tc filter show dev eth0 ingress)" "u32"
	x rtr tc qdisc del dev eth0 clsact

	x rtr tc qdisc add dev eth0 clsact
	router_start
	router_stop
	expect_ok "a qdisc that was there before stays" has_clsact
	expect_eq "without our filter" "$(x rtr tc filter show dev eth0 egress)" ""
	x rtr tc qdisc del dev eth0 clsact
}

test_default_port_range() {
	router_start
	local lo hi
	read -r lo hi < <(x rtr cat /proc/sys/net/ipv4/ip_local_port_range)
	expect_match "status line names the range" "$(cat "$STATE/ntsload.log")" \
		"ports 1024-$((lo - 1));"
}

run_tests
