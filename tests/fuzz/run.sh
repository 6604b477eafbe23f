#!/usr/bin/env bash
# Runs fuzz targets under libFuzzer (ASan + UBSan) and merges what they find
# into the committed corpora.  Usage:
#   tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
# BUILD_DIR was set up with
#   CC=clang meson setup BUILD_DIR -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false
# New inputs collect in BUILD_DIR/fuzz-work/<target>; crashes are written to
# BUILD_DIR/fuzz-crash/<target>/; the libFuzzer log ends with the execution
# count (stat::number_of_executed_units).  Inputs are capped at max_len
# below: the container formats keep their tables at both ends of a file, so
# the tiny complete images among the seeds matter more than megabytes of
# code bytes in the real ones (which the replay tests still read whole).
# Only inputs within the cap are merged into the committed corpora.  Extra
# libFuzzer flags come from $FUZZ_ARGS (e.g. -entropic=0 where its
# bookkeeping costs more than the target).
set -uo pipefail
build=$1 seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(analyze elf pe pdb macho dwarf debugfile ilcmap mstat snapshot budget demangle)
status=0
max_len() {
  case $1 in
    analyze|elf|pe|pdb|macho|debugfile) echo 32768 ;;
    mstat) echo 131072 ;;   # the metadata section of a real .mstat, without .names
    *) echo 16384 ;;
  esac
}
for t in "${targets[@]}"; do
  work=$build/fuzz-work/$t crash=$build/fuzz-crash/$t
  mkdir -p "$work" "$crash"
  stamp=$build/fuzz-$t.stamp
  touch "$stamp"
  log=$build/fuzz-$t.log
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 ${FUZZ_ARGS:-} \
    -timeout=10 -max_len="$(max_len "$t")" -artifact_prefix="$crash/" "$work" "$here/corpus/$t" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  echo "$t: exit $rc, ${execs:-?} executions in ${seconds}s, $(ls "$work" | wc -l) new inputs, $(find "$crash" -type f -newer "$stamp" | wc -l) new crash/slow files in $crash"
  [ $rc -eq 0 ] || status=1
  "$build/tests/fuzz/fuzz_$t" -merge=1 -max_len="$(max_len "$t")" "$here/corpus/$t" "$work" >/dev/null 2>&1
done
exit $status
