#!/usr/bin/env bash
# Times aotsize against the simplest useful baseline on the same file:
#   nm -S --size-sort SYMBOLS_FILE | c++filt
# (SYMBOLS_FILE is the binary, or its .dbg when the binary is stripped: nm
# needs a symbol table).  Prints each median and the ratio aotsize/baseline;
# ratios, not absolute times, are what to compare across machines.
#
# usage: bench/run.sh [AOTSIZE] [BINARY...]
#   default AOTSIZE: build/aotsize; default BINARY: the webapi sample
#   (largest), unpacked into /tmp by samples/unpack.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
aotsize=${1:-$root/build/aotsize}
shift || true
if [ $# -eq 0 ]; then
  dir=$("$root/samples/unpack.sh" /tmp/aotsize-bench-samples)
  set -- "$dir/net10-linux-x64/webapi/WebApi.Sample" "$dir/net10-linux-x64/generics/GenericsApp"
fi
runs=${RUNS:-9}

# median_ms CMD...: median wall time of $runs runs, in milliseconds.
median_ms() {
  local t=()
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1
    e=$(date +%s%N)
    t+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

printf '%-28s %10s %10s %10s %12s %12s\n' binary "size(MB)" "nm|c++filt" summary symbols "ratios"
for bin in "$@"; do
  syms=$bin
  [ -f "$bin.dbg" ] && syms=$bin.dbg
  base=$(median_ms bash -c "nm -S --size-sort '$syms' | c++filt")
  sum=$(median_ms "$aotsize" summary "$bin")
  sym=$(median_ms "$aotsize" symbols --limit 0 "$bin")
  size=$(awk -v b="$(stat -c %s "$bin")" 'BEGIN {printf "%.1f", b/1048576}')
  printf '%-28s %10s %9sms %8sms %8sms   %4.2fx %4.2fx\n' "$(basename "$bin")" "$size" "$base" "$sum" "$sym" \
    "$(awk -v a="$sum" -v b="$base" 'BEGIN {print a/b}')" "$(awk -v a="$sym" -v b="$base" 'BEGIN {print a/b}')"
done
echo "(ratios: aotsize summary / baseline, aotsize symbols --limit 0 / baseline; target <= 2x)"
