#!/usr/bin/env bash
# Shrinks the committed corpora to what the repository should carry: the
# seeds (seed-*), the inputs of fixed bugs (regress-*), and a minimal set of
# inputs of at most MAX_BYTES (default 4096) that keeps the coverage libFuzzer
# measured on everything found so far (corpus and BUILD_DIR/fuzz-work).
# usage: tests/fuzz/minimize.sh BUILD_DIR [MAX_BYTES] [TARGET...]
set -euo pipefail
build=$1
max=${2:-4096}
shift $(($# >= 2 ? 2 : 1))
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(analyze elf pe pdb macho dwarf debugfile ilcmap mstat snapshot budget demangle)
for t in "${targets[@]}"; do
  dir=$here/corpus/$t
  fresh=$(mktemp -d)
  "$build/tests/fuzz/fuzz_$t" -merge=1 -max_len="$max" "$fresh" "$dir" "$build/fuzz-work/$t" >/dev/null 2>&1 || {
    echo "$t: merge failed" >&2; rm -rf "$fresh"; continue; }
  find "$dir" -type f ! -name 'seed-*' ! -name 'regress-*' -delete
  cp "$fresh"/* "$dir"/ 2>/dev/null || true
  rm -rf "$fresh"
  echo "$t: $(ls "$dir" | wc -l) inputs, $(du -sk "$dir" | cut -f1) KiB"
done
