#!/usr/bin/env bash
# Regenerates the seed inputs of the fuzz corpora: small images built here
# with the shapes of ILC output (tiny_aot.s, tiny.c), plus real files from
# the samples (run after the build has unpacked them; argument: the unpacked
# samples directory).  Needs gcc, binutils, clang, lld and llvm-19 tools.
# The committed corpora also hold inputs the fuzzers found; this only
# (re)writes the seed-* files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/../corpus
samples=${1:-$here/../../../build/tests/samples}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in analyze elf pe pdb macho dwarf debugfile ilcmap mstat snapshot budget demangle; do
  mkdir -p "$corpus/$t"
done
seed() { cp "$2" "$corpus/$1/seed-$3"; }

# ELF: a tiny Native AOT-shaped image, stripped and not, and its debug file.
gcc -nostdlib -pie -fPIE -Wl,--build-id=sha1 -Wl,-z,norelro -o "$tmp/tiny_aot" "$here/tiny_aot.s"
strip --strip-all -o "$tmp/tiny_aot.stripped" "$tmp/tiny_aot"
objcopy --only-keep-debug "$tmp/tiny_aot" "$tmp/tiny_aot.dbg"
for t in analyze elf; do
  seed $t "$tmp/tiny_aot" tiny-aot
  seed $t "$tmp/tiny_aot.stripped" tiny-aot-stripped
done
seed debugfile "$tmp/tiny_aot" tiny-aot
seed debugfile "$tmp/tiny_aot.dbg" tiny-aot.dbg

# ELF with DWARF 4 and 5, ranges lists, and zlib-compressed sections.
gcc -O2 -g -gdwarf-4 -ffunction-sections -Wl,--gc-sections -o "$tmp/dw4" -x c "$here/tiny.c" -DSECT='".text.managed"'
gcc -O2 -g -gdwarf-5 -ffunction-sections -gz=zlib -o "$tmp/dw5z" -x c "$here/tiny.c" -DSECT='".text.managed"'
seed elf "$tmp/dw5z" dwarf5-zlib
seed debugfile "$tmp/dw4" dwarf4
# fuzz_dwarf's input: per section a 4-byte little-endian length, a
# compressed flag byte, then the bytes (see fuzz_dwarf.c).
dwarf_seed() {
  local elf=$1 out=$2
  : >"$out"
  for s in .debug_info .debug_abbrev .debug_str .debug_line_str .debug_str_offsets .debug_addr \
           .debug_ranges .debug_rnglists; do
    local f="$tmp/sec" flag=0 off=0 n=0 line
    line=$(readelf -SW "$elf" | sed "s/^ *\[ *[0-9]*\] *//" | awk -v s="$s" '$1 == s {print $4, $5, ($7 ~ /C/)}')
    [ -n "$line" ] && read -r off n flag <<<"$line"
    off=$((16#$off)); n=$((16#$n))
    dd if="$elf" of="$f" bs=1 skip=$off count=$n status=none 2>/dev/null || : >"$f"
    printf "\\x$(printf %02x $((n & 255)))\\x$(printf %02x $((n >> 8 & 255)))\\x$(printf %02x $((n >> 16 & 255)))\\x$(printf %02x $((n >> 24 & 255)))\\x0$flag" >>"$out"
    cat "$f" >>"$out"
  done
}
dwarf_seed "$tmp/dw4" "$corpus/dwarf/seed-dwarf4"
dwarf_seed "$tmp/dw5z" "$corpus/dwarf/seed-dwarf5-zlib"

# PE + PDB (lld-link) and Mach-O thin, universal and dSYM (ld64.lld).
clang --target=x86_64-pc-windows-msvc -DSECT='".managed"' -O1 -g -gcodeview -c "$here/tiny.c" -o "$tmp/tiny.obj"
lld-link /entry:main /nodefaultlib /debug /subsystem:console /out:"$tmp/tiny.exe" /pdb:"$tmp/tiny.pdb" "$tmp/tiny.obj" >/dev/null
seed pe "$tmp/tiny.exe" tiny.exe
seed analyze "$tmp/tiny.exe" tiny.exe
seed pdb "$tmp/tiny.pdb" tiny.pdb
for a in x86_64 arm64; do
  clang --target=$a-apple-macos11 -DSECT='"__TEXT,__managedcode"' -O1 -g -c "$here/tiny.c" -o "$tmp/tiny-$a.o"
  ld64.lld-19 -arch $a -platform_version macos 11.0 11.0 -e _main -undefined dynamic_lookup -fixup_chains \
    -o "$tmp/tiny-$a" "$tmp/tiny-$a.o"
done
llvm-lipo-19 -create "$tmp/tiny-x86_64" "$tmp/tiny-arm64" -output "$tmp/tiny-fat"
dsymutil-19 "$tmp/tiny-arm64" -o "$tmp/tiny-arm64.dSYM"
seed macho "$tmp/tiny-arm64" tiny-arm64
seed macho "$tmp/tiny-fat" tiny-fat
seed macho "$tmp/tiny-arm64.dSYM/Contents/Resources/DWARF/tiny-arm64" tiny-arm64.dwarf
seed analyze "$tmp/tiny-fat" tiny-fat

# Real ILC output from the samples: whole binaries for the container readers
# (their tables are what matters), the head of a map file, mstat files of
# two format versions, a snapshot.
if [ -d "$samples" ]; then
  seed elf "$samples/net10-linux-x64/hello/hello" net10-hello
  seed pe "$samples/net10-win-x64/hello/hello.exe" net10-hello.exe
  seed macho "$samples/net10-osx-arm64/hello/hello" net10-osx-hello
  seed mstat "$samples/net10-linux-x64/hello/hello.mstat" net10-hello.mstat
  seed mstat "$samples/net8-linux-x64/hello/hello.mstat" net8-hello.mstat
  { head -n 400 "$samples/net10-linux-x64/hello/hello.map.xml"; echo '</ObjectNodes>'; } \
    >"$corpus/ilcmap/seed-net10-hello.map.xml"
  "$here/../../../build/aotsize" snapshot -o "$corpus/snapshot/seed-tiny-aot.json" "$tmp/tiny_aot"
  "$here/../../../build/aotsize" snapshot -o "$tmp/tiny.json.gz" "$tmp/tiny_aot" && seed snapshot "$tmp/tiny.json.gz" tiny-aot.json.gz
fi
"$here/../../../build/aotsize" help budget | sed -n '/^  {/,/^  }/p' >"$corpus/budget/seed-example.json"
printf '{"schema": "aotsize-budget/1", "total": {"max_file_size": 1048576}}' >"$corpus/budget/seed-small.json"

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
