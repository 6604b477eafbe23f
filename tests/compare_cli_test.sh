#!/usr/bin/env bash
# Command-line behaviour of snapshot, diff and check: output formats, options,
# exit statuses (check: 0 within budget, 1 over; 2 for unusable input), and
# damaged snapshots and budget files (one line on stderr naming the file,
# exit status 2, never a crash).
# usage: compare_cli_test.sh AOTSIZE SAMPLES_DIR TESTS_SRC_DIR
set -u
AOTSIZE=$1
SAMPLES=$2
TESTS=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/cli_lib.sh"

# unusable FILE PATTERN [COMMAND]: reading FILE (as the command's input) fails
# with exit 2 and one line naming it.
unusable() {
  local f=$1 pattern=$2 cmd=${3:-summary}
  if [ "$cmd" = diff ]; then
    expect 2 "^aotsize: $f: $pattern" -- diff "$f" "$hello"; one_line
  else
    expect 2 "^aotsize: $f: $pattern" -- "$cmd" "$f"; one_line
  fi
}

hello=$SAMPLES/net10-linux-x64/hello/hello
hello8=$SAMPLES/net8-linux-x64/hello/hello
before=$SAMPLES/net10-linux-x64/diffdemo/diffdemo
after=$SAMPLES/net10-linux-x64/diffdemo-after/diffdemo

# ---- snapshot ------------------------------------------------------------------
expect 0 "" -- snapshot "$hello" -o "$tmp/hello.json"
checks=$((checks + 1)); [ -s "$tmp/hello.json" ] && [ ! -s "$tmp/out" ] || fail "snapshot -o: file empty or stdout used"
checks=$((checks + 1)); head -c 32 "$tmp/hello.json" | grep -q '^{"schema":"aotsize-snapshot/1"' || fail "snapshot schema"
expect 0 "" -- snapshot "$hello" -o "$tmp/hello.json.gz"
checks=$((checks + 1)); gzip -t "$tmp/hello.json.gz" 2>/dev/null || fail "snapshot .gz is not gzip"
checks=$((checks + 1)); cmp -s "$tmp/hello.json" <(gzip -dc "$tmp/hello.json.gz") || fail ".gz snapshot differs from the plain one"
# Standard output by default (and with -o -).
expect 0 "" -- snapshot "$hello"
checks=$((checks + 1)); cmp -s "$tmp/hello.json" "$tmp/out" || fail "snapshot to stdout differs from -o"
# A snapshot of a snapshot is the same snapshot (the input path aside).
expect 0 "" -- snapshot "$tmp/hello.json.gz" -o "$tmp/again.json"
checks=$((checks + 1)); cmp -s <(sed 1,2d "$tmp/hello.json") <(sed 1,2d "$tmp/again.json") || fail "snapshot of a snapshot differs"
# Written through a temporary renamed into place: nothing else is left, and a
# failed write leaves no file.
checks=$((checks + 1)); [ "$(ls -A "$tmp" | grep -c tmp)" -eq 0 ] || fail "temporary files left: $(ls -A "$tmp")"
expect 2 "cannot create" -- snapshot "$hello" -o "$tmp/no/such/dir/x.json"; one_line
mkdir "$tmp/ro"; chmod 500 "$tmp/ro"
if [ "$(id -u)" -ne 0 ]; then
  expect 2 "ro/x.json" -- snapshot "$hello" -o "$tmp/ro/x.json"; one_line
fi
chmod 700 "$tmp/ro"
# Every view reads a snapshot like the binary.
for view in summary tree symbols sections generics; do
  expect 0 "" -- "$view" "$tmp/hello.json.gz"
  checks=$((checks + 1)); [ -s "$tmp/out" ] || fail "$view of a snapshot printed nothing"
done
expect 0 "" -- summary "$tmp/hello.json.gz"; stdout_has "^$tmp/hello.json.gz: ELF x64, .NET Native AOT 10"

# ---- diff ----------------------------------------------------------------------
expect 2 "diff needs two input files" -- diff "$hello"
expect 2 "diff takes two input files|one input file" -- diff "$hello" "$hello" "$hello"
expect 2 "markdown is for diff and check" -- summary --format markdown "$hello"
for f in text json csv markdown; do
  expect 0 "" -- diff --format "$f" "$before" "$after"
  checks=$((checks + 1)); [ -s "$tmp/out" ] || fail "diff --format $f printed nothing"
done
expect 0 "" -- diff "$before" "$after"
stdout_has "^Generic definitions \(.* changed"
stdout_has "MORE INST +BIGGER +INSTANCES"
stdout_has "\+[0-9]+ B +-?[0-9]+ B +3 -> 4 +grown +System\.Collections\.Generic\.List\`1"
stdout_has "added +DiffDemo\.Program\.Peak$"
stdout_has "padding +\[padding in __managedcode\]"
expect 0 "" -- diff --format json "$before" "$after"; stdout_has '"schema": "aotsize/1"'; stdout_has '"more_instantiations"'
expect 0 "" -- diff --format csv "$before" "$after"
stdout_has "^level,name,change,bucket,assembly,namespace,type,member,kind,note,old_file_size,new_file_size,delta_file_size"
stdout_has "^members,DiffDemo\.Program\.Peak,added,app,diffdemo,DiffDemo,Program,Peak,method,,0,"
# Markdown: a short table, the rest collapsed.
expect 0 "" -- diff --format markdown "$hello8" "$hello"
stdout_has "^### aotsize: file size -"
stdout_has "^\| Change \| Assembly \| Old \| New \| Δ file \| Δ % \|$"
stdout_has "^<details><summary>Generic definitions \([0-9]+ changed\)</summary>$"
stdout_has "^</details>$"
stdout_has "More inst\. \| Bigger inst\."
checks=$((checks + 1)); [ "$(grep -c '^| shrunk \|^| grown \|^| added \|^| removed \|^| padding \|^| moved ' "$tmp/out")" -le 60 ] || fail "markdown diff is not short"
expect 0 "" -- diff --format markdown "$hello" "$hello"; stdout_has "No size changes"
# --depth, --limit, filters.
expect 0 "" -- diff --depth 1 "$before" "$after"; stdout_has "^Assemblies"; stdout_lacks "^Members"; stdout_lacks "^Types"
expect 0 "" -- diff --limit 2 "$hello8" "$hello"; stdout_has "\[[0-9]+ more rows; --limit 0 shows all\]"
expect 0 "" -- diff --bucket app "$before" "$after"; stdout_has "FILE \(filtered\)"; stdout_lacks "List<DiffDemo.Sample>"
expect 0 "" -- diff --filter 'List<DiffDemo' "$before" "$after"; stdout_has "List<DiffDemo.Sample>"; stdout_lacks "Program.Peak"
# Binary against its snapshot: nothing changed.
expect 0 "" -- diff "$tmp/hello.json.gz" "$hello"; stdout_has "^Members \(0 changed\)"
# One unusable side: exit 2, one line naming it.
printf 'just text\n' >"$tmp/text.txt"
expect 2 "^aotsize: $tmp/text.txt: not an executable" -- diff "$hello" "$tmp/text.txt"; one_line
expect 2 "^aotsize: $tmp/missing: cannot open" -- diff "$tmp/missing" "$hello"; one_line

# ---- damaged snapshots ---------------------------------------------------------
printf '{"schema":"aotsize-snapshot/9"}' >"$tmp/v9.json"
unusable "$tmp/v9.json" "not an aotsize snapshot \(schema 'aotsize-snapshot/9'"
printf '{"schema":"aotsize-snapshot/1",' >"$tmp/cut.json"
unusable "$tmp/cut.json" "not an aotsize snapshot: JSON error"
printf '{"schema":"aotsize-snapshot/1","input":3}' >"$tmp/input.json"
unusable "$tmp/input.json" "bad snapshot: \"input\" must be an object"
printf 'garbage\n' | gzip >"$tmp/garbage.gz"
unusable "$tmp/garbage.gz" "not an aotsize snapshot"
head -c 5000 "$tmp/hello.json.gz" >"$tmp/trunc.gz"
unusable "$tmp/trunc.gz" "damaged gzip data"
# Truncated anywhere, or with a value of the wrong type or range: an error
# naming the file, never a crash.
size=$(stat -c %s "$tmp/hello.json")
for n in 1 17 100 1000 5000 20000 100000 $((size / 2)) $((size - 3)); do
  head -c "$n" "$tmp/hello.json" >"$tmp/t$n.json"
  unusable "$tmp/t$n.json" "(not an aotsize snapshot|bad snapshot|not an executable)"
done
sed 's/"file_size":[0-9]*/"file_size":-5/' "$tmp/hello.json" >"$tmp/neg.json"
unusable "$tmp/neg.json" "bad snapshot"
sed 's/"file_size":[0-9]*/"file_size":"big"/' "$tmp/hello.json" >"$tmp/str.json"
unusable "$tmp/str.json" "bad snapshot"
# A string index past the string table in the first entity row.
python3 - "$tmp/hello.json" "$tmp/idx.json" <<'EOF' 2>/dev/null
import json, sys
d = json.load(open(sys.argv[1]))
cols = d["entities"]["columns"]
row = d["entities"]["rows"][0]
row[cols.index("bucket")] = 10 ** 9
json.dump(d, open(sys.argv[2], "w"))
EOF
[ -s "$tmp/idx.json" ] && unusable "$tmp/idx.json" "bad snapshot"
unusable "$tmp/v9.json" "not an aotsize snapshot" diff

# ---- check ---------------------------------------------------------------------
pass=$TESTS/budgets/diffdemo-pass.json
over=$TESTS/budgets/diffdemo-over.json
expect 0 "" -- check "$after" --budget "$pass" --baseline "$before"
stdout_has "^10 limits: 10 within budget, 0 over, 0 skipped: passed$"
stdout_has "^ ok +generic +System\.Collections\.Generic\.List\`1 +file growth <= 423 B +\+423 B +0 B$"
expect 1 "" -- check "$after" --budget "$over" --baseline "$before"
stdout_has "^9 limits: 0 within budget, 9 over, 0 skipped: FAILED$"
stdout_has "^ OVER +bucket +app +file growth <= 362 B +\+363 B +-1 B$"
# The baseline may be a snapshot.
expect 0 "" -- snapshot "$before" -o "$tmp/before.json.gz"
expect 1 "" -- check "$after" --budget "$over" --baseline "$tmp/before.json.gz"
expect 0 "" -- check "$after" --budget "$pass" --baseline "$tmp/before.json.gz"
# Without a baseline growth limits are skipped.
expect 0 "" -- check "$after" --budget "$pass"; stdout_has "0 over, 8 skipped: passed"
for f in json csv markdown; do
  expect 1 "" -- check --format "$f" "$after" --budget "$over" --baseline "$before"
  checks=$((checks + 1)); [ -s "$tmp/out" ] || fail "check --format $f printed nothing"
done
expect 1 "" -- check --format markdown "$after" --budget "$over" --baseline "$before"
stdout_has "^### aotsize check: .* 9 of 9 limits exceeded"
stdout_has "^\| \*\*over\*\* \| generic \| System\.Collections\.Generic\.List\\\\\`1 \|"
expect 0 "" -- check --format markdown "$after" --budget "$pass" --baseline "$before"
stdout_has "within budget"; stdout_has "^<details><summary>10 limits</summary>$"
expect 1 "" -- check --format json "$after" --budget "$over" --baseline "$before"
stdout_has '"passed": false'; stdout_has '"over": 9'

# ---- bad budgets and check arguments: exit 2, one line ---------------------------
expect 2 "check needs --budget" -- check "$after"; one_line
expect 2 "^aotsize: $tmp/none.json: cannot read budget" -- check "$after" --budget "$tmp/none.json"; one_line
budget() { printf '%s' "$1" >"$tmp/b.json"; }
bad_budget() {
  expect 2 "^aotsize: $tmp/b.json: .*$1" -- check "$after" --budget "$tmp/b.json"; one_line
}
budget '{"schema":"aotsize-budget/1","total":{"max_file_size":1'; bad_budget "line 1: "
budget 'not json';                                                  bad_budget "line 1: "
budget '[1,2]';                                                     bad_budget ""
budget '{"schema":"aotsize-budget/2"}';                            bad_budget "\"schema\" must be \"aotsize-budget/1\""
budget '{"total":{"max_file_size":1}}';                             bad_budget "\"schema\" must be"
budget '{"schema":"aotsize-budget/1","total":{"max_file_sise":1}}'; bad_budget "total: unknown limit \"max_file_sise\""
budget '{"schema":"aotsize-budget/1","totals":{}}';                 bad_budget "unknown section \"totals\""
budget '{"schema":"aotsize-budget/1","total":{"max_file_size":"12 XB"}}'; bad_budget "max_file_size"
budget '{"schema":"aotsize-budget/1","total":{"max_file_size":-1}}';      bad_budget "max_file_size"
budget '{"schema":"aotsize-budget/1","total":{"max_file_growth_percent":"5%"}}'; bad_budget "max_file_growth_percent"
budget '{"schema":"aotsize-budget/1","buckets":{"app":5}}';        bad_budget "app"
budget '{"schema":"aotsize-budget/1","buckets":{"nope":{"max_file_size":1}}}'; bad_budget "nope"
# A budget that is fine, with an unusable app or baseline.
budget '{"schema":"aotsize-budget/1","total":{"max_file_size":"2 MiB"}}'
expect 0 "" -- check "$after" --budget "$tmp/b.json"
expect 2 "^aotsize: $tmp/text.txt: not an executable" -- check "$after" --budget "$tmp/b.json" --baseline "$tmp/text.txt"; one_line
expect 2 "^aotsize: $tmp/v9.json: not an aotsize snapshot" -- check "$tmp/v9.json" --budget "$tmp/b.json"; one_line

echo "compare cli: $checks checks, $failures failed" >&2
[ "$failures" -eq 0 ]
