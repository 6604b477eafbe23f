#!/usr/bin/env bash
# Regenerates the seed inputs of the fuzz corpora (run from anywhere; needs
# gcc and binutils).  The committed corpora also hold inputs the fuzzers
# found; this only (re)writes the seeds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/../corpus
samples=${1:-$here/../../../build/tests/samples}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$corpus/analyze" "$corpus/debugfile" "$corpus/demangle"

gcc -nostdlib -pie -fPIE -Wl,--build-id=sha1 -Wl,-z,norelro -o "$tmp/tiny_aot" "$here/tiny_aot.s"
cp "$tmp/tiny_aot" "$corpus/analyze/seed-tiny-aot"
strip --strip-all -o "$corpus/analyze/seed-tiny-aot-stripped" "$tmp/tiny_aot"
objcopy --only-keep-debug "$tmp/tiny_aot" "$corpus/debugfile/seed-tiny-aot.dbg"
cp "$tmp/tiny_aot" "$corpus/debugfile/seed-tiny-aot"

# Demangler seeds: one real symbol name per distinct shape (first 24
# characters up to the first '<'), from the samples' symbol tables.
if [ -d "$samples" ]; then
  for dbg in "$samples"/net10-linux-x64/generics/GenericsApp.dbg "$samples"/net8-linux-x64/hello/hello.dbg; do
    readelf -sW "$dbg" 2>/dev/null | awk 'NF >= 8 {print $8}'
  done | awk '{k = substr($0, 1, 24); sub(/<.*/, "", k); if (!(k in seen) && n < 300) {seen[k] = 1; n++; print}}' >"$tmp/names"
  i=0
  while IFS= read -r name; do
    printf '%s' "$name" >"$corpus/demangle/seed-$(printf '%03d' $i)"
    i=$((i + 1))
  done <"$tmp/names"
fi
echo "seeds written to $corpus"
