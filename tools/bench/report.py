# SPDX-License-Identifier: GPL-2.0
"""make bench's report: the Markdown tables (or JSON) from what
tools/bench/bench recorded in its directory. Every figure is the median of
the rounds, with (min-max); every ratio is of medians, both from this run.
A run that failed is counted and shown, never replaced by a number."""
import json
import os
import platform
import statistics
import subprocess
import sys

(out, as_json, quick, elapsed, rounds, scale_rounds, secs, dns_secs, conns,
 flood_secs, step_secs, steady_secs) = sys.argv[1:]
as_json, quick = as_json == "1", quick == "1"


def machine():
    model = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True,
                                   text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return {"cpu": model, "cores": os.cpu_count(),
            "kernel": platform.release()}


# part -> row -> col -> {"unit", "values", "failed"}
data = {}
path = os.path.join(out, "results.tsv")
if os.path.exists(path):
    for line in open(path):
        part, row, col, unit, value = line.rstrip("\n").split("\t")
        cell = data.setdefault(part, {}).setdefault(row, {}).setdefault(
            col, {"unit": unit, "values": [], "failed": 0})
        try:
            cell["values"].append(float(value))
        except ValueError:
            cell["failed"] += 1

notes = {}
path = os.path.join(out, "notes.tsv")
if os.path.exists(path):
    for line in open(path):
        part, text = line.rstrip("\n").split("\t", 1)
        notes.setdefault(part, []).append(text)


def load(name):
    try:
        return json.load(open(os.path.join(out, name)))
    except (OSError, ValueError):
        return None


dp = load("dp.json")
try:
    load0, load1, busy = open(os.path.join(out, "load")).read().rstrip(
        "\n").split("\t")
except (OSError, ValueError):
    load0 = load1 = busy = "?"
scale = {n: load("scale-%d.json" % n) for n in (65536, 1000000)}

# Part 5's NAT table, into the same shape.
for n, s in scale.items():
    if not s:
        continue
    col = str(n)
    mem = (s["memlock_nat"] + s["memlock_nat_bind"])
    rows = {
        "mem": ("MiB", [mem / 2**20]),
        "mem_flow": ("bytes", [mem / n]),
        "fill": ("ns", s["fill_ns_per_flow"]),
        "gc_live": ("ms", s["gc_live_ms"]),
        "gc_live_flow": ("µs", [1e3 * v / n for v in s["gc_live_ms"]]),
        "gc_live_cpu": ("ms", s.get("gc_live_cpu_ms", [])),
        "gc_expire": ("ms", s["gc_expire_ms"]),
        "gc_expire_cpu": ("ms", s.get("gc_expire_cpu_ms", [])),
        "gc_expire_all": ("ms", s.get("gc_expire_all_cpu_ms", [])),
        "gc_expire_passes": ("passes", s.get("gc_expire_passes", [])),
        "gc_expire_flow": ("µs", [1e3 * v / n for v in
                                  s.get("gc_expire_all_cpu_ms",
                                        s["gc_expire_ms"])]),
        "live": ("flows", [s["live_after_fill"]]),
    }
    for row, (unit, values) in rows.items():
        data.setdefault("nat", {}).setdefault(row, {})[col] = {
            "unit": unit, "values": values, "failed": 0}


def mmm(cell):
    v = cell["values"] if cell else []
    if not v:
        return None
    return min(v), statistics.median(v), max(v)


def num(v):
    a = abs(v)
    if v == int(v) and a < 1e15:
        return "{:,d}".format(int(v))
    if a >= 100:
        return "{:,.0f}".format(v)
    if a >= 10:
        return "%.1f" % v
    if a >= 1:
        return "%.2f" % v
    return "%.3f" % v


def cell_text(cell):
    if not cell:
        return "—"
    m = mmm(cell)
    failed = " (%d failed)" % cell["failed"] if cell["failed"] else ""
    if not m:
        return "n/a" + failed
    lo, med, hi = m
    if len(cell["values"]) == 1 or lo == hi:
        return num(med) + failed
    return "%s (%s–%s)%s" % (num(med), num(lo), num(hi), failed)


def ratio(part, row, a, b):
    ca = data.get(part, {}).get(row, {}).get(a)
    cb = data.get(part, {}).get(row, {}).get(b)
    ma, mb = mmm(ca), mmm(cb)
    if not ma or not mb or mb[1] == 0:
        return "—"
    return "%.2f" % (ma[1] / mb[1])


def table(part, cols, rows, ratios):
    """cols: [(key, heading)]; rows: [(key, label)];
    ratios: [(a, b, heading)]"""
    d = data.get(part, {})
    print("| | unit | " + " | ".join(h for _, h in cols) +
          "".join(" | " + h for _, _, h in ratios) + " |")
    print("|---|---|" + "---:|" * (len(cols) + len(ratios)))
    for row, label in rows:
        if row not in d:
            continue
        unit = next(iter(d[row].values()))["unit"]
        print("| %s | %s | " % (label, unit) +
              " | ".join(cell_text(d[row].get(c)) for c, _ in cols) +
              "".join(" | " + ratio(part, row, a, b) for a, b, _ in ratios)
              + " |")
    for text in notes.get(part, []):
        print("\n**Not measured:** " + text)


def total(part, row, col):
    c = data.get(part, {}).get(row, {}).get(col)
    return int(sum(c["values"])) if c else 0


m = machine()
if as_json:
    json.dump({"machine": m, "quick": quick, "seconds": int(elapsed),
               "loadavg_before": load0, "loadavg_after": load1,
               "busy_before": busy,
               "rounds": int(rounds), "scale_rounds": int(scale_rounds),
               "datapath": dp, "nat_table": scale,
               "parts": {p: {r: {c: dict(cell, **(
                   dict(zip(("min", "median", "max"), mmm(cell)))
                   if mmm(cell) else {}))
                   for c, cell in rd.items()} for r, rd in pd.items()}
                   for p, pd in data.items()},
               "not_measured": notes}, sys.stdout, indent=1)
    print()
    sys.exit(0)

print("# make bench%s\n" % (" (QUICK: a smoke run, not figures to publish)"
                            if quick else ""))
print("%s, %s cores, Linux %s; %s s in all. Medians of %s rounds "
      "(min–max); ratios of medians, all from this run.\n"
      % (m["cpu"], m["cores"], m["kernel"], elapsed, rounds))
print("Load average before: %s, after: %s; other processes over 20%% of "
      "a CPU (ps) at the start: %s. (Other work on the machine moves every "
      "figure; the ratios, measured side by side, less.)\n"
      % (load0, load1, busy))

print("## 1. Datapath, per packet (BPF_PROG_TEST_RUN)\n")
if dp:
    print("%d rounds of %d runs per path, a fresh copy of the frame each "
          "run; the floor is a program that parses Ethernet/IPv4/L4 and "
          "passes.\n" % (dp["rounds"], dp["runs_per_round"]))
    print("| hook | path | ns/packet | floor | ratio |")
    print("|---|---|---:|---:|---:|")
    for c in dp["cases"]:
        print("| %s | %s | %.0f (%.0f–%.0f) | %.0f | %.2f× |" % (
            c["hook"], c["path"], c["ns_median"], c["ns_min"], c["ns_max"],
            c["floor_median"], c["ratio"]))
for text in notes.get("dp", []):
    print("\n**Not measured:** " + text)

print("\n## 2. Forwarding through the router (lab, pn → gn unless said)\n")
print("Each round runs the routers one after the other; %s per "
      "run (iperf3; connrate: 2 threads, connect, read a byte, close)."
      "\n" % ("about 0.3 s" if quick else secs + " s"))
table("fwd", [("routing", "plain routing (no NAT)"),
              ("nft", "nftables masquerade"),
              ("nftft", "nftables masquerade + flowtable"),
              ("ntsslow", "ntsload --no-fastpath"),
              ("ntsload", "ntsload (fast path)")],
      [("udp_pps", "UDP, 64-byte datagrams, received"),
       ("tcp_out", "TCP, one stream"),
       ("tcp_in", "TCP, one stream, gn → pn"),
       ("conn", "new TCP connections")],
      [("ntsload", "nft", "ntsload / nftables"),
       ("ntsload", "nftft", "ntsload / flowtable"),
       ("ntsload", "routing", "ntsload / routing"),
       ("ntsload", "ntsslow", "fast path on / off")])

print("\n### IPv6 forwarding (pn → gn, no NAT)\n")
table("fwd6", [("routing", "plain routing (no firewall)"),
               ("nft6", "nftables stateful firewall"),
               ("ntsload6", "ntsload, IPv6 firewall (fw6)")],
      [("udp_pps", "UDP, 64-byte datagrams, received"),
       ("tcp_out", "TCP, one stream"),
       ("conn", "new TCP connections")],
      [("ntsload6", "nft6", "ntsload / nftables"),
       ("ntsload6", "routing", "ntsload / routing")])

print("\n## 3. The NTS server (dnsperf from gn, %s s per run)\n" % dns_secs)
print("Behind all of them the same BIND (127.0.0.1:10053 in ntss; for "
      "\"BIND direct\" the same configuration on ntss:53). Query files: 256 "
      "A queries for h0..h255.other.test (outside NTS: ntsdns passes them "
      "through) and 8 for names registered in the PHL (ntsdns negotiates "
      "each with the router: ntsload running, NOTICE rate limits raised).\n")
table("dns", [("bind", "BIND direct"), ("dnsdist", "dnsdist, no cache"),
              ("ntsdns", "ntsdns"),
              ("dnsdist_n", "dnsdist, a thread per CPU"),
              ("ntsdns_n", "ntsdns, a thread per CPU")],
      [("qps_other", "other.test: queries/s"),
       ("p50_other", "other.test: latency p50"),
       ("p99_other", "other.test: latency p99"),
       ("qps_nts", "registered names: queries/s"),
       ("p50_nts", "registered names: latency p50"),
       ("p99_nts", "registered names: latency p99"),
       ("cpu_other", "other.test: server CPU per query"),
       ("cpu_nts", "registered names: server CPU per query"),
       ("lost_other", "other.test: queries lost"),
       ("lost_nts", "registered names: queries lost")],
      [("ntsdns", "dnsdist", "ntsdns / dnsdist"),
       ("ntsdns", "bind", "ntsdns / BIND"),
       ("ntsdns_n", "dnsdist_n", "per CPU: ntsdns / dnsdist"),
       ("ntsdns_n", "ntsdns", "ntsdns: per CPU / one")])
print("\nOne thread: ntsdns `--threads 1`, dnsdist one listener; a thread "
      "per CPU (%d): `--threads %d`, %d dnsdist listeners with "
      "`reusePort`. dnsperf and BIND run on the same CPUs." %
      (m["cores"], m["cores"], m["cores"]))
n = total("dns", "notices_nts", "ntsdns")
if n:
    print("\nntsdns on registered names negotiates every answer: the router "
          "received %d authentic NOTICEs in these runs and ACCEPTed %d."
          % (n, total("dns", "accepted_nts", "ntsdns")))

print("\n## 4. Connection setup: resolver call to first byte (%s "
      "sequential connections from gn per round)\n" % conns)
print("getaddrinfo() through gn's stock resolver (ntsdns), connect, read "
      "the server's first byte. NTS: alice.example.net, negotiated, TTL 0, "
      "the flow opened from the RC. Static port forward: no ntsload; "
      "nftables DNAT of 192.0.2.2:9400 to pn on the router, the name "
      "h2.other.test passed through ntsdns.\n")
table("setup", [("static", "static port forward"), ("nts", "NTS")],
      [("median", "median"), ("p99", "99th percentile"),
       ("resolve", "of which the resolver call (median)"),
       ("failed", "failed connections")],
      [("nts", "static", "NTS / static")])

print("\n## 5. Scale\n")
print("**NAT table** (bench_scale: the datapath loaded as `ntsload "
      "--max-flows N` loads it; tc egress opens N UDP flows by "
      "BPF_PROG_TEST_RUN; ntsload's expiry pass (user/ntsload/gc.c, "
      "bpf/nts_gc.bpf.c) timed "
      "over the full table; memory as `bpftool map show` prints it, nat + "
      "nat_bind). %s round(s).\n" % scale_rounds)
table("nat", [("65536", "65,536 flows (default size)"),
              ("1000000", "1,000,000 flows")],
      [("live", "flows in the table after the fill"),
       ("mem", "memory, nat + nat_bind"), ("mem_flow", "per flow"),
       ("fill", "tc egress, new flow, per packet"),
       ("gc_live", "expiry pass, nothing to expire"),
       ("gc_live_cpu", "the same, CPU time of the pass"),
       ("gc_live_flow", "per flow"),
       ("gc_expire", "expiry pass, every flow expires: the longest"),
       ("gc_expire_cpu", "the same, CPU time of the pass"),
       ("gc_expire_all", "CPU time of all passes until the table is empty"),
       ("gc_expire_passes", "passes until then (256K deletes each at most)"),
       ("gc_expire_flow", "all passes, per flow")],
      [("1000000", "65536", "1M / 64K")])
for text in notes.get("scale", []):
    print("\n**Not measured:** " + text)

print("\n**NOTICE round trip while the expiry pass runs**: ntsload "
      "--max-flows 1048576, its table empty or holding 1,000,000 live "
      "flows (fill_flows) that every pass (each second) walks and keeps; "
      "signed NOTICEs one at a time, 10 ms apart, each for a new GN; a "
      "lost one counts as 3,000 ms. A new ntsload for each run.\n")
table("notice", [("0", "empty table"), ("1000000", "1,000,000 live flows")],
      [("p50", "round trip p50"), ("p99", "round trip p99"),
       ("max", "round trip max"), ("lost", "NOTICEs lost"),
       ("passes", "expiry passes meanwhile")],
      [("1000000", "0", "1M / empty")])

print("\n**PHL of 100,000 names**: signed NOTICEs answered per second, "
      "32 outstanding, each for a new GN and a random registered name "
      "(ntsload --max-names 131072 --max-rc 262144 --rc-ttl 1, rate limits "
      "raised; %s s per run, a new ntsload process on the kept maps before "
      "each run: its replay cache starts empty; the last column is one "
      "process for 3 s).\n" % "1")
table("phl", [("100", "100 names"), ("100000", "100,000 names"),
              ("long", "100,000 names, 3 s, one process (once)")],
      [("rate", "NOTICEs answered"), ("accepted", "of which ACCEPTed"),
       ("refused", "REFUSED")],
      [("100000", "100", "100K / 100")])

print("\n**RC under a flood**: ntsload as shipped (default sizes and "
      "limits, 16,384 names), 100 legitimate signed NOTICEs/s, each for a "
      "GN of its own, beside a flood asked at 100,000 NOTICEs/s for random "
      "GNs and names: forged (a wrong MAC: anyone without the key) or "
      "signed (a leaked key, a runaway NTS server). %s s per run; the "
      "sender's achieved rate is shown.\n" % flood_secs)
table("flood", [("none", "no flood"), ("forged", "forged flood"),
                ("signed", "signed flood"),
                ("nts_outside", "forged, from outside --nts-server"),
                ("nts_inside", "forged, NTS server's address")],
      [("sent", "flood sent"), ("legit_accepted", "legitimate ACCEPTed"),
       ("rc_entries", "RC entries after"), ("rc_memlock", "RC map memory"),
       ("rss", "ntsload resident memory after"),
       ("foreign", "dropped in XDP (nego_foreign)")],
      [("forged", "none", "forged / none"),
       ("signed", "none", "signed / none"),
       ("nts_outside", "none", "outside / none"),
       ("nts_inside", "none", "inside / none")])
print("\nThe last two columns: `ntsload --nts-server 198.51.100.53/32`, the "
      "legitimate NOTICEs from the NTS server, the forged flood from gn "
      "(outside the range) or, in a process of its own, from the NTS "
      "server's address (as a spoofer inside the range would send it).")

print("\n**Sustained signed rate** (negoflood paced: NOTICEs sent evenly at "
      "the rate asked, whatever the answers, each for a new GN and one of "
      "100,000 names; a new ntsload process for each step, %s s each; "
      "rate limits raised). The rate steps up until a step has a REFUSED "
      "or lost NOTICE, or the sender falls 5 %% short of it.\n" % step_secs)
st = data.get("sustained", {})
steps = sorted((c for c in st.get("sent", {})), key=int)
if steps:
    print("| NOTICEs/s asked | sent/s | REFUSED | lost |")
    print("|---:|---:|---:|---:|")
    for c in steps:
        print("| %s | %s | %s | %s |" % (
            num(int(c)), cell_text(st["sent"].get(c)),
            cell_text(st.get("refused", {}).get(c)),
            cell_text(st.get("lost", {}).get(c))))
for text in notes.get("sustained", []):
    print("\n**Not measured:** " + text)


def med(part, row, col):
    m = mmm(data.get(part, {}).get(row, {}).get(col))
    return m[1] if m else None


def fmt(v, unit):
    return "—" if v is None else "%s %s" % (num(v), unit)


def rel(v, aim):
    return "—" if v is None or not aim else "%.2f" % (v / aim)


print("\n## Issue 15's NOTICE targets, from this run\n")
print("| what | measured | aim | measured / aim |")
print("|---|---:|---:|---:|")
best = med("sustained", "best", "best")
print("| highest signed rate with 0 REFUSED, 0 lost | %s | ≥ 30,000/s | %s |"
      % (fmt(best, "/s"), rel(best, 30000)))
ref, lost = med("steady", "refused", "5000"), med("steady", "lost", "5000")
print("| 5,000 signed NOTICEs/s for %s s: REFUSED, lost | %s, %s | 0, 0 | "
      "— |" % (steady_secs, fmt(ref, ""), fmt(lost, "")))
for col, label, aim in (("nts_outside", "outside --nts-server", 99),
                        ("nts_inside", "from the NTS server's address", 95)):
    v = med("flood", "legit_accepted", col)
    print("| legitimate NOTICEs ACCEPTed under a forged flood %s | %s | "
          "≥ %d %% | %s |" % (label, fmt(v, "%"), aim, rel(v, aim)))
p99 = med("dns", "p99_nts", "ntsdns")
print("| ntsdns negotiated answers, latency p99 (part 3) | %s | ≤ 20 ms | "
      "%s |" % (fmt(p99, "ms"), rel(p99, 20)))


def dp_case(cid):
    return next((c for c in (dp or {}).get("cases", []) if c.get("id") == cid),
                None)


def dp_row(label, cid, key, aim_text, aim, fmt_v):
    c = dp_case(cid)
    v = c[key] if c else None
    print("| %s | %s | %s | %s |" % (label, fmt_v(v), aim_text,
                                     rel(v, aim)))


def times(v):
    return "—" if v is None else "%.2f×" % v


def ns(v):
    return "—" if v is None else "%s ns" % num(round(v))


def fwd_ratio(row, base):
    a, b = med("fwd", row, "ntsload"), med("fwd", row, base)
    return a / b if a is not None and b else None


print("\n## Issue 16's datapath targets, from this run\n")
print("Ratios for the datapath are to the floor of the hook (part 1); "
      "the forwarding ratios are ntsload's over the baseline's (part 2). "
      "measured / aim above 1 misses a ≤ aim, below 1 a ≥ aim.\n")
print("| what | measured | aim | measured / aim |")
print("|---|---:|---:|---:|")
dp_row("XDP, NAT hit, vs floor", "xdp_hit", "ratio", "≤ 1.5×", 1.5, times)
dp_row("tc egress, NAT hit, vs floor", "tc_hit", "ratio", "≤ 1.8×", 1.8,
       times)
dp_row("tc egress, new mapping + flow", "tc_new", "ns_median", "≤ 800 ns",
       800, ns)
dp_row("XDP, GN's first packet (RC opens a flow)", "xdp_rc_open",
       "ns_median", "≤ 800 ns", 800, ns)
n = (dp or {}).get("working_set_flows")
if n:
    dp_row("XDP, NAT hit, %s flows in random order, vs floor" % num(n),
           "xdp_hit_wset", "ratio", "(none)", None, times)
    dp_row("tc egress, NAT hit, %s flows in random order, vs floor" % num(n),
           "tc_hit_wset", "ratio", "(none)", None, times)
for row, base, label, aim in (
        ("udp_pps", "nft", "UDP 64-byte forwarding vs nftables masquerade",
         1.3),
        ("udp_pps", "nftft", "… vs nftables masquerade + flowtable", 1.0),
        ("conn", "nft", "new TCP connections/s vs nftables masquerade",
         1.2)):
    v = fwd_ratio(row, base)
    print("| %s | %s | ≥ %.1f | %s |" % (label, times(v), aim, rel(v, aim)))
mem = med("nat", "mem_flow", "1000000")
print("| memory per flow (nat + nat_bind, 1M flows) | %s | ≤ 200 bytes | "
      "%s |" % (fmt(mem, "bytes"), rel(mem, 200)))


def dns_ratio(row_a, col_a, row_b, col_b):
    a, b = med("dns", row_a, col_a), med("dns", row_b, col_b)
    return a / b if a is not None and b else None


print("\n## Issue 17's NTS server targets, from this run\n")
print("Ratios of medians of part 3. measured / aim above 1 misses a ≤ aim, "
      "below 1 a ≥ aim.\n")
print("| what | measured | aim | measured / aim |")
print("|---|---:|---:|---:|")
for label, v, aim_text, aim in (
        ("pass-through queries/s vs dnsdist, one thread",
         dns_ratio("qps_other", "ntsdns", "qps_other", "dnsdist"), "≥ 1.3",
         1.3),
        ("the same, a thread per CPU",
         dns_ratio("qps_other", "ntsdns_n", "qps_other", "dnsdist_n"),
         "≥ 1.3", 1.3),
        ("pass-through server CPU per query vs dnsdist, one thread",
         dns_ratio("cpu_other", "ntsdns", "cpu_other", "dnsdist"), "≤ 0.8",
         0.8),
        ("negotiated queries/s vs ntsdns's own pass-through",
         dns_ratio("qps_nts", "ntsdns", "qps_other", "ntsdns"), "≥ 0.5",
         0.5),
        ("scaling: a thread per CPU vs one, pass-through",
         dns_ratio("qps_other", "ntsdns_n", "qps_other", "ntsdns"), "≥ 1.6",
         1.6)):
    print("| %s | %s | %s | %s |" % (label, times(v), aim_text,
                                     rel(v, aim)))
p50n, p50o = med("dns", "p50_nts", "ntsdns"), med("dns", "p50_other",
                                                  "ntsdns")
added = p50n - p50o if p50n is not None and p50o is not None else None
print("| negotiated answers: added latency p50 over pass-through | %s | "
      "≤ 0.3 ms | %s |" % (fmt(added, "ms"), rel(added, 0.3)))
print("| negotiated answers: latency p99 | %s | ≤ 20 ms | %s |"
      % (fmt(med("dns", "p99_nts", "ntsdns"), "ms"),
         rel(med("dns", "p99_nts", "ntsdns"), 20)))
print("\nThe scaling aim holds where dnsperf and BIND are not the "
      "bottleneck; here they share the server's %d CPUs." % m["cores"])
