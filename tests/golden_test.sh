#!/usr/bin/env bash
# Golden files: the JSON summary and a two-level tree of every sample, as
# reviewed and committed.  Any change in attribution shows up here as a diff;
# when a change is intended, regenerate with
#   tests/golden_test.sh AOTSIZE SAMPLES_DIR tests/golden --update
# and review the diff before committing.
# usage: golden_test.sh AOTSIZE SAMPLES_DIR GOLDEN_DIR [--update]
set -u
AOTSIZE=$1
SAMPLES=$2
GOLDEN=$3
update=${4:-}
failures=0
cd "$SAMPLES" || exit 2
for bin in net10-linux-x64/hello/hello net10-linux-x64/generics/GenericsApp net10-linux-x64/webapi/WebApi.Sample \
           net10-linux-x64-unstripped/hello/hello net10-linux-arm64/hello/hello \
           net9-linux-x64/generics/GenericsApp net8-linux-x64/generics/GenericsApp; do
  name=$(echo "$bin" | cut -d/ -f1,2 | tr / .)
  for view in summary tree; do
    args=(--format json --limit 0)
    [ "$view" = tree ] && args=(--format json --limit 15 --depth 3)
    out=$("$AOTSIZE" "$view" "${args[@]}" "$bin" 2>&1)
    file="$GOLDEN/$name.$view.json"
    if [ "$update" = --update ]; then
      mkdir -p "$GOLDEN"
      printf '%s\n' "$out" >"$file"
    elif ! diff -u "$file" <(printf '%s\n' "$out") >/tmp/golden.diff.$$ 2>&1; then
      echo "FAIL: $view of $bin differs from $file:" >&2
      head -40 /tmp/golden.diff.$$ >&2
      failures=$((failures + 1))
    fi
    rm -f /tmp/golden.diff.$$
  done
done
echo "golden: $failures failed" >&2
[ "$failures" -eq 0 ]
