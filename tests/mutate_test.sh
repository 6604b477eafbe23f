#!/usr/bin/env bash
# Mutation test: every sample binary, truncated at many points and with
# deterministic pseudo-random byte flips (in the binary or in its separate
# debug file), goes through aotsize.  Every run must end with exit status 0,
# 2 or 3 within TIME_LIMIT seconds and MEM_LIMIT_MB of address space; a run
# that does not exit 0 must end its stderr with one line saying what is
# wrong ("aotsize: FILE: problem"), not a warning.
#
# usage: mutate_test.sh AOTSIZE SAMPLES_DIR [RUNS_PER_SAMPLE] [--sanitized]
#   RUNS_PER_SAMPLE  truncations + flips per sample (default 32)
#   --sanitized      ASan build: no address-space limit (ASan reserves
#                    terabytes of it), longer time limit
set -uo pipefail
AOTSIZE=$1 SAMPLES=$2 RUNS=${3:-32}
sanitized=false
[ "${4:-}" = "--sanitized" ] && sanitized=true
TIME_LIMIT=10 MEM_LIMIT_MB=4096
$sanitized && TIME_LIMIT=60

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
runs=0 failures=0 slowest=0 slowest_run=""

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Deterministic pseudo-random numbers (a 31-bit LCG; the seed is per sample
# and run, so a failure names a reproducible case).
rng=1
next_rand() { rng=$(((rng * 1103515245 + 12345) & 0x7fffffff)); }

# Flips `count` bytes of file $1: half within its first 64 KiB (headers and
# tables), half anywhere.
flip_bytes() {
  local file=$1 count=$2 size i off val
  size=$(stat -c %s "$file")
  [ "$size" -gt 0 ] || return 0
  for ((i = 0; i < count; i++)); do
    next_rand
    if ((i % 2 == 0)); then off=$((rng % (size < 65536 ? size : 65536))); else off=$((rng % size)); fi
    next_rand
    val=$((rng % 255 + 1))
    printf "\\x$(printf %02x $val)" | dd of="$file" bs=1 seek="$off" conv=notrunc status=none
  done
}

commands=(summary "tree --depth 4" "symbols --limit 0" sections generics "summary --strict")

run_case() { # run_case DESCRIPTION FILE COMMAND...
  local what=$1 file=$2
  shift 2
  local start end ms rc
  start=$(date +%s%N)
  if $sanitized; then
    timeout -k 5 "$TIME_LIMIT" "$AOTSIZE" "$@" --format json "$file" >"$tmp/out" 2>"$tmp/err"
  else
    (ulimit -v $((MEM_LIMIT_MB * 1024)); exec timeout -k 5 "$TIME_LIMIT" "$AOTSIZE" "$@" --format json "$file") \
      >"$tmp/out" 2>"$tmp/err"
  fi
  rc=$?
  end=$(date +%s%N)
  ms=$(((end - start) / 1000000))
  runs=$((runs + 1))
  if ((ms > slowest)); then slowest=$ms slowest_run="$what: aotsize $*"; fi
  case $rc in
    0) ;;
    2 | 3)
      local last
      last=$(tail -n 1 "$tmp/err")
      if ! [[ $last == aotsize:\ * ]] || [[ $last == aotsize:\ warning:* ]] || [[ $last == aotsize:\ note:* ]]; then
        fail "$what: aotsize $* exited $rc without a final one-line message (last line: '$last')"
      fi ;;
    124 | 137) fail "$what: aotsize $* did not finish within ${TIME_LIMIT}s" ;;
    *) fail "$what: aotsize $* exited $rc: $(head -c 600 "$tmp/err")" ;;
  esac
}

# The separate debug files that travel with a binary (found by name).
side_files() {
  local b=$1
  for s in "$b.dbg" "${b%.exe}.pdb" "$b.dSYM"; do
    [ -e "$s" ] && echo "$s"
  done
}

mapfile -t binaries < <(find "$SAMPLES" -type f -perm -u+x ! -path '*.dSYM/*' | sort)
[ ${#binaries[@]} -gt 0 ] || { echo "no sample binaries under $SAMPLES" >&2; exit 1; }

sample=0
for bin in "${binaries[@]}"; do
  sample=$((sample + 1))
  name=$(basename "$bin")
  size=$(stat -c %s "$bin")
  mapfile -t sides < <(side_files "$bin")
  ntrunc=$((RUNS / 2)) nflip=$((RUNS - RUNS / 2))
  for ((j = 0; j < RUNS; j++)); do
    rng=$((sample * 7919 + j * 104729 + 1))
    work=$tmp/case
    rm -rf "$work"
    mkdir -p "$work"
    cp "$bin" "$work/$name"
    for s in "${sides[@]}"; do cp -r "$s" "$work/"; done
    cmd=${commands[$((j % ${#commands[@]}))]}
    if ((j < ntrunc)); then
      # Truncation points: the first few inside the headers, then spread
      # evenly over the file.
      case $j in
        0) cut=0 ;; 1) cut=1 ;; 2) cut=63 ;; 3) cut=200 ;; 4) cut=1000 ;; 5) cut=4096 ;;
        *) cut=$((size * (j - 5) / (ntrunc - 5))) ;;
      esac
      ((cut < size)) || cut=$((size - 1))
      truncate -s "$cut" "$work/$name"
      # shellcheck disable=SC2086
      run_case "$bin truncated to $cut bytes" "$work/$name" $cmd
    else
      # Flips: two runs in three mutate the binary, the third its debug file
      # (when it has one).
      target=$work/$name
      if (((j - ntrunc) % 3 == 2)) && [ ${#sides[@]} -gt 0 ]; then
        side=$(basename "${sides[0]}")
        if [ -d "$work/$side" ]; then
          target=$(find "$work/$side" -type f -path '*/DWARF/*' | head -n 1)
        else
          target=$work/$side
        fi
      fi
      flip_bytes "$target" 16
      # shellcheck disable=SC2086
      run_case "$bin with 16 bytes flipped in $(basename "$target") (seed $((sample * 7919 + j * 104729 + 1)))" \
        "$work/$name" $cmd
    fi
  done
done

echo "mutation: $runs runs over ${#binaries[@]} samples, $failures failures; slowest ${slowest} ms ($slowest_run); limits ${TIME_LIMIT}s$($sanitized || echo ", ${MEM_LIMIT_MB} MiB address space") per run" >&2
[ "$failures" -eq 0 ]
