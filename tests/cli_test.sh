#!/usr/bin/env bash
# Command-line behaviour: help, bad arguments, bad input files (one line on
# stderr naming the file, exit status 2, never a crash), separate debug files
# (found, verified, refused when they do not match), stripped binaries, and
# binaries that are not Native AOT.
# usage: cli_test.sh AOTSIZE SAMPLES_DIR TESTS_SRC_DIR
set -u
AOTSIZE=$1
SAMPLES=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
checks=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect STATUS PATTERN -- ARGS...: exit status and a stderr pattern (grep -E).
expect() {
  local want=$1 pattern=$2
  shift 3
  checks=$((checks + 1))
  "$AOTSIZE" "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    fail "aotsize $* exited $got, want $want; stderr: $(head -3 "$tmp/err")"
  elif [ -n "$pattern" ] && ! grep -qE -- "$pattern" "$tmp/err"; then
    fail "aotsize $*: stderr does not match /$pattern/: $(head -3 "$tmp/err")"
  fi
}

# stdout_has PATTERN: the last command's stdout matches.
stdout_has() {
  checks=$((checks + 1))
  grep -qE -- "$1" "$tmp/out" || fail "stdout does not match /$1/: $(head -5 "$tmp/out")"
}

one_line() {
  checks=$((checks + 1))
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "expected one line on stderr, got: $(cat "$tmp/err")"
}

hello=$SAMPLES/net10-linux-x64/hello/hello
generics=$SAMPLES/net10-linux-x64/generics/GenericsApp

# Help and arguments.
expect 0 "" -- --help; stdout_has "usage: aotsize"
expect 0 "" -- help; stdout_has "Commands:"
expect 2 "no input file" --
expect 2 "unknown option" -- --bogus "$hello"
expect 2 "unknown format" -- --format xml "$hello"
expect 2 "--limit needs a number" -- --limit x "$hello"
expect 2 "unknown bucket" -- symbols --bucket nope "$hello"
expect 2 "bad --filter" -- symbols --filter '(' "$hello"

# Unusable input: one line naming the file, exit 2.
printf 'just text\n' >"$tmp/text.txt"
expect 2 "text.txt: not an executable" -- "$tmp/text.txt"; one_line
: >"$tmp/empty"
expect 2 "empty: file is empty" -- "$tmp/empty"; one_line
expect 2 "missing: cannot open" -- "$tmp/missing"; one_line
expect 2 "is a directory" -- "$tmp"; one_line
head -c 40 "$hello" >"$tmp/short"
expect 2 "short: truncated ELF header" -- "$tmp/short"; one_line
# A 32-bit ELF (EI_CLASS = 1) is reported as unsupported.
cp "$hello" "$tmp/elf32"; printf '\001' | dd of="$tmp/elf32" bs=1 seek=4 conv=notrunc status=none
expect 2 "elf32: 32-bit ELF is not supported" -- "$tmp/elf32"; one_line
# An ELF for another machine (e_machine = 40, ARM).
cp "$hello" "$tmp/arm32"; printf '\050\000' | dd of="$tmp/arm32" bs=1 seek=18 conv=notrunc status=none
expect 2 "arm32: ELF machine 40 is not supported" -- "$tmp/arm32"; one_line
# Truncated in the middle: still a report (sections past the end are dropped
# with a warning), never a crash.
head -c 600000 "$hello" >"$tmp/cut"
"$AOTSIZE" sections "$tmp/cut" >"$tmp/out" 2>"$tmp/err"; st=$?
checks=$((checks + 1)); [ "$st" -eq 0 ] || [ "$st" -eq 2 ] || fail "truncated binary: exit $st"
"$AOTSIZE" --strict sections "$tmp/cut" >"$tmp/out" 2>"$tmp/err"; st=$?
checks=$((checks + 1)); [ "$st" -eq 3 ] || [ "$st" -eq 2 ] || fail "truncated binary with --strict: exit $st"

# The input is never modified.
before=$(sha256sum <"$hello")
"$AOTSIZE" summary "$hello" >/dev/null 2>&1
checks=$((checks + 1)); [ "$before" = "$(sha256sum <"$hello")" ] || fail "input was modified"

# Separate debug files.  Found beside the binary through .gnu_debuglink:
expect 0 "" -- summary "$hello"; stdout_has "symbols: full \(from .*hello\.dbg\)"
# Fully stripped (no debug file anywhere): honest breakdown, names unavailable.
mkdir "$tmp/alone"; cp "$hello" "$tmp/alone/hello"
expect 0 "" -- summary "$tmp/alone/hello"
stdout_has "managed names are unavailable"
stdout_has "managed code \(names unavailable\)"
stdout_has "^ +[0-9.]+% .* managed$"
# --debug-file supplies it explicitly.
expect 0 "" -- summary --debug-file "$SAMPLES/net10-linux-x64/hello/hello.dbg" "$tmp/alone/hello"
stdout_has "symbols: full"
# In .debug/ beside the binary.
mkdir "$tmp/alone/.debug"; cp "$SAMPLES/net10-linux-x64/hello/hello.dbg" "$tmp/alone/.debug/"
expect 0 "" -- summary "$tmp/alone/hello"; stdout_has "symbols: full"
rm -r "$tmp/alone/.debug"
# Under a debug root by build-id (/usr/lib/debug/.build-id/xx/rest.debug).
id=$(readelf -n "$hello" 2>/dev/null | sed -n 's/.*Build ID: //p')
mkdir -p "$tmp/root/.build-id/${id:0:2}"; cp "$SAMPLES/net10-linux-x64/hello/hello.dbg" "$tmp/root/.build-id/${id:0:2}/${id:2}.debug"
expect 0 "" -- summary --debug-root "$tmp/root" "$tmp/alone/hello"; stdout_has "symbols: full"
# A debug file from another build is refused with a warning, never used.
mkdir "$tmp/wrong"; cp "$generics" "$tmp/wrong/GenericsApp"; cp "$SAMPLES/net10-linux-x64/hello/hello.dbg" "$tmp/wrong/GenericsApp.dbg"
expect 0 "GenericsApp.dbg does not match .*build-id" -- summary "$tmp/wrong/GenericsApp"
stdout_has "symbols: (none|partial)"
expect 3 "does not match" -- --strict summary "$tmp/wrong/GenericsApp"
expect 0 "does not match" -- summary --debug-file "$SAMPLES/net10-linux-x64/hello/hello.dbg" "$tmp/wrong/GenericsApp"
# --no-debug-file ignores it.
expect 0 "" -- summary --no-debug-file "$hello"; stdout_has "symbols: (none|partial)"

# Not Native AOT: sections and symbols work with a notice; summary refuses.
expect 0 "" -- sections "$AOTSIZE"; stdout_has "not a .NET Native AOT binary"
expect 0 "" -- symbols --limit 0 "$AOTSIZE"; stdout_has "az_analyze"
expect 2 "not a .NET Native AOT binary" -- summary "$AOTSIZE"; one_line

# Views in every format.
for view in summary tree symbols sections; do
  for f in text json csv; do
    expect 0 "" -- "$view" --format "$f" "$hello"
    checks=$((checks + 1)); [ -s "$tmp/out" ] || fail "$view --format $f printed nothing"
  done
done
expect 0 "" -- symbols --format csv --limit 3 "$hello"
checks=$((checks + 1)); [ "$(wc -l <"$tmp/out")" -eq 4 ] || fail "symbols --limit 3 csv: $(wc -l <"$tmp/out") lines"
expect 0 "" -- symbols --filter 'Console__WriteLine' --bucket framework "$hello"
stdout_has "System.Console.*WriteLine"

echo "cli: $checks checks, $failures failed" >&2
[ "$failures" -eq 0 ]
