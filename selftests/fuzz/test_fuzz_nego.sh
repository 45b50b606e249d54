# SPDX-License-Identifier: GPL-2.0
# A bounded libFuzzer run of the NTS-Nego decoder: NTS_FUZZ_SECONDS
# (default 15; make fuzz: 600). Prints ok/not ok fuzz/nego.
top=$(cd "$(dirname "$0")/../.." && pwd)
pattern=${1:-*}
[[ fuzz/nego == $pattern ]] || exit 0
secs=${NTS_FUZZ_SECONDS:-15}
dir=$(mktemp -d /tmp/nts-fuzz.XXXXXX)
trap 'rm -rf "$dir"' EXIT

python3 "$top/selftests/fuzz/seeds.py" "$dir/corpus"
if "$top/build/fuzz/fuzz_nego" -max_total_time="$secs" -timeout=5 \
	-rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" \
	>"$dir/log" 2>&1; then
	echo "# fuzz/nego: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$dir/log" | awk '{print $2}') runs in ${secs}s, $(grep -c . <(ls "$dir/corpus")) corpus entries"
	echo "ok fuzz/nego"
else
	tail -30 "$dir/log"
	for a in "$dir"/crash-* "$dir"/timeout-* "$dir"/oom-*; do
		[ -e "$a" ] && echo "# input: $(xxd -p "$a" | tr -d '\n')"
	done
	echo "not ok fuzz/nego"
fi
