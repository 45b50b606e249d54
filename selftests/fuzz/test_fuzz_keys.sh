# SPDX-License-Identifier: GPL-2.0
# A bounded libFuzzer run of the key file parser (ntsdns --keys, ntsload
# -k): NTS_FUZZ_SECONDS (default 15; make fuzz: 600). Prints ok/not ok
# fuzz/keys.
top=$(cd "$(dirname "$0")/../.." && pwd)
pattern=${1:-*}
[[ fuzz/keys == $pattern ]] || exit 0
secs=${NTS_FUZZ_SECONDS:-15}
dir=$(mktemp -d /tmp/nts-fuzz.XXXXXX)
trap 'rm -rf "$dir"' EXIT

# Seeds: what tsig-keygen prints, and a table of two routers.
mkdir -p "$dir/corpus"
s=c2VjcmV0LWEtc2VjcmV0LWEtc2VjcmV0LWEtMzI=
printf 'key "a" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' $s >"$dir/corpus/key"
{
	printf '// two routers\nkey a { algorithm hmac-sha256; secret "%s"; };\n' $s
	printf '# b\nkey "b." { secret "%s"; algorithm hmac-sha256; };\n' $s
	printf 'server 198.51.100.2 { keys { a; }; };\n'
	printf 'server /* B */ 198.51.100.5 { keys { "b"; }; };\n'
} >"$dir/corpus/table"
if "$top/build/fuzz/fuzz_keys" -max_total_time="$secs" -timeout=5 \
	-rss_limit_mb=1024 -print_final_stats=1 -dict=<(printf '"key"\n"server"\n"keys"\n"algorithm"\n"secret"\n"hmac-sha256"\n"{"\n"};"\n"/*"\n"*/"\n"//"\n"#"\n"\\""\n') \
	-artifact_prefix="$dir/" "$dir/corpus" >"$dir/log" 2>&1; then
	echo "# fuzz/keys: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$dir/log" | awk '{print $2}') runs in ${secs}s"
	echo "ok fuzz/keys"
else
	tail -30 "$dir/log"
	for a in "$dir"/crash-* "$dir"/timeout-* "$dir"/oom-*; do
		[ -e "$a" ] && echo "# input: $(xxd -p "$a" | tr -d '\n')"
	done
	echo "not ok fuzz/keys"
fi
