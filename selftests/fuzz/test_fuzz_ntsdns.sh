# SPDX-License-Identifier: GPL-2.0
# A bounded libFuzzer run of ntsdns's DNS handling (query in, upstream
# answer, NTS-Nego decision and rewrite, truncation): NTS_FUZZ_SECONDS
# (default 15; make fuzz: 600). Prints ok/not ok fuzz/ntsdns.
top=$(cd "$(dirname "$0")/../.." && pwd)
pattern=${1:-*}
[[ fuzz/ntsdns == $pattern ]] || exit 0
secs=${NTS_FUZZ_SECONDS:-15}
dir=$(mktemp -d /tmp/nts-fuzz.XXXXXX)
trap 'rm -rf "$dir"' EXIT

if [ ! -x "$top/build/fuzz/fuzz_ntsdns" ]; then
	echo "# build/fuzz/fuzz_ntsdns is missing: make selftests"
	echo "not ok fuzz/ntsdns"
	exit 0
fi
python3 "$top/selftests/fuzz/seeds_ntsdns.py" "$dir/corpus"
if "$top/build/fuzz/fuzz_ntsdns" -max_total_time="$secs" -timeout=5 \
	-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/" \
	"$dir/corpus" >"$dir/log" 2>&1; then
	echo "# fuzz/ntsdns: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$dir/log" | awk '{print $2}') runs in ${secs}s, $(ls "$dir/corpus" | wc -l) corpus entries"
	echo "ok fuzz/ntsdns"
else
	tail -30 "$dir/log"
	for a in "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*; do
		[ -e "$a" ] && echo "# input: $(xxd -p "$a" | tr -d '\n')"
	done
	echo "not ok fuzz/ntsdns"
fi
