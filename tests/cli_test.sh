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
. "$(dirname "$0")/cli_lib.sh"

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

# ---- PE (+ PDB) and Mach-O (+ dSYM) ------------------------------------------
winhello=$SAMPLES/net10-win-x64/hello/hello.exe
machello=$SAMPLES/net10-osx-arm64/hello/hello
macgen=$SAMPLES/net10-osx-arm64/generics/GenericsApp
fat=$SAMPLES/net10-osx-universal/hello/hello

# u32le FILE OFFSET / put_u32le FILE OFFSET VALUE / put_u16le: little-endian
# fields, to corrupt counts in copies of the samples.
u32le() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
put_u32le() { printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($3 & 255)) $(($3 >> 8 & 255)) $(($3 >> 16 & 255)) $(($3 >> 24 & 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
put_u16le() { printf "$(printf '\\%03o\\%03o' $(($3 & 255)) $(($3 >> 8 & 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }

# survives FILE [ARGS...]: damaged input gives a report (exit 0, totals
# intact) or one error line naming the file (exit 2); never a crash, a hang
# or another status.
survives() {
  local f=$1; shift
  checks=$((checks + 1))
  timeout 60 "$AOTSIZE" "$@" "$f" >"$tmp/out" 2>"$tmp/err"
  local st=$?
  if [ "$st" -eq 2 ]; then
    grep -v '^aotsize: warning: ' "$tmp/err" | grep -qF "aotsize: $f: " || fail "$f: exit 2 without an error naming it: $(tail -2 "$tmp/err")"
    [ "$(grep -vc '^aotsize: warning: ' "$tmp/err")" -eq 1 ] || fail "$f: more than one error line: $(cat "$tmp/err")"
  elif [ "$st" -ne 0 ]; then
    fail "aotsize $* $f: exit $st (crash or hang?); stderr: $(tail -2 "$tmp/err")"
  fi
  ! grep -q "internal:" "$tmp/err" || fail "$f: totals broken: $(grep internal: "$tmp/err")"
}

# The format is named in the header and in JSON; the PDB and the dSYM are found
# beside the binary.
expect 0 "" -- summary "$winhello"; stdout_has "PE x64, .NET Native AOT 10, symbols: full \(from .*hello\.pdb\)"
# Resources are labelled as such, also where the PDB names blocks of them.
expect 0 "" -- sections "$winhello"; stdout_has "^ \.rsrc .* format 100\.0%"
expect 0 "" -- summary "$machello"; stdout_has "Mach-O arm64, .NET Native AOT 10, symbols: full \(from .*hello\.dSYM/Contents/Resources/DWARF/hello\)"

# PE without its PDB: an honest report and a line saying names need the PDB.
mkdir "$tmp/win"; cp "$winhello" "$tmp/win/hello.exe"
expect 0 "" -- summary "$tmp/win/hello.exe"
stdout_has "names need the PDB"; stdout_has "managed code \(names unavailable\)"; stdout_has "^ +[0-9.]+% .* managed$"
# --pdb names it; another build's PDB is refused (GUID/age differ).
expect 0 "" -- summary --pdb "${winhello%.exe}.pdb" "$tmp/win/hello.exe"; stdout_has "symbols: full"
cp "$SAMPLES/net10-win-x64/generics/GenericsApp.pdb" "$tmp/win/hello.pdb"
expect 0 "PDB .*hello\.pdb does not match .*hello\.exe: its GUID and age" -- summary "$tmp/win/hello.exe"
stdout_has "names need the PDB"
expect 3 "does not match" -- --strict summary "$tmp/win/hello.exe"

# Universal (fat) Mach-O: --arch reads either slice, the other one is labelled
# by what it is; an absent architecture is a clear error.
expect 0 "" -- summary "$fat"; stdout_has "Mach-O x64"; stdout_has "other architecture slices"
expect 0 "" -- summary --arch arm64 "$fat"; stdout_has "Mach-O arm64, .NET Native AOT 10, symbols: full"
expect 0 "" -- symbols --limit 3 --arch arm64 "$fat"; stdout_has "\[universal: x64 slice, not analysed \(--arch x64\)\]"
cp "$fat" "$tmp/fat1"; printf '\000\000\000\001' | dd of="$tmp/fat1" bs=1 seek=4 conv=notrunc status=none  # lists x64 only
expect 2 "fat1: universal file has no arm64 slice \(it has: x64\)" -- --arch arm64 "$tmp/fat1"; one_line
expect 2 "hello: the file is arm64, not x64" -- --arch x64 "$machello"; one_line
expect 2 "unknown architecture" -- --arch ppc "$fat"

# dSYM: matched by LC_UUID; another build's is refused with a warning; a flat
# app.dwarf beside the binary works too.
mkdir -p "$tmp/mac/hello.dSYM/Contents/Resources/DWARF"; cp "$machello" "$tmp/mac/hello"
cp "$macgen.dSYM/Contents/Resources/DWARF/GenericsApp" "$tmp/mac/hello.dSYM/Contents/Resources/DWARF/hello"
expect 0 "hello does not match .*hello: its UUID [0-9a-f]{32} differs from the binary's [0-9a-f]{32}; not used" -- summary "$tmp/mac/hello"
stdout_has "symbols: (none|partial)"; stdout_has "managed names are unavailable"
expect 3 "does not match" -- --strict summary "$tmp/mac/hello"
rm -r "$tmp/mac/hello.dSYM"; cp "$machello.dSYM/Contents/Resources/DWARF/hello" "$tmp/mac/hello.dwarf"
expect 0 "" -- summary "$tmp/mac/hello"; stdout_has "symbols: full \(from .*mac/hello\.dwarf\)"
# --debug-file takes the .dSYM bundle, also when the binary was renamed since.
cp "$machello" "$tmp/mac/renamed"
expect 0 "" -- summary --debug-file "$machello.dSYM" "$tmp/mac/renamed"; stdout_has "symbols: full \(from .*hello\.dSYM/Contents/Resources/DWARF/hello\)"
# Fully stripped (the samples keep only exports; no dSYM anywhere): an honest
# breakdown with managed code found from the sections and unwind data.
rm "$tmp/mac/hello.dwarf"
expect 0 "" -- summary "$tmp/mac/hello"
stdout_has "managed names are unavailable"; stdout_has "managed code \(names unavailable\)"; stdout_has "^ +[0-9.]+% .* managed$"
# With every symbol gone (llvm-strip without options keeps only what dyld
# needs), when a tool is there to do it.
strip_tool=$(command -v llvm-strip-19 || command -v llvm-strip || true)
if [ -n "$strip_tool" ] && "$strip_tool" -o "$tmp/mac/bare" "$machello" 2>/dev/null; then
  expect 0 "" -- summary "$tmp/mac/bare"
  stdout_has "symbols: none"; stdout_has "managed code \(names unavailable\)"; stdout_has "^ +[0-9.]+% .* managed$"
fi

# Hostile input: truncated at many offsets (headers, load commands, tables,
# the middle, the last byte) and corrupted counts.
for n in 1 2 40 64 100 200 300 400 1000 5000 100000 700000 1000000 1073000; do
  head -c "$n" "$winhello" >"$tmp/win/hello.exe"; survives "$tmp/win/hello.exe"
done
cp "$winhello" "$tmp/win/hello.exe"
for n in 10 32 56 4096 8192 100000 3000000 5775000; do
  head -c "$n" "${winhello%.exe}.pdb" >"$tmp/win/hello.pdb"; survives "$tmp/win/hello.exe"
  grep -q "PDB refused: .*hello\.pdb: .*\(truncated\|not a PDB\)" "$tmp/err" || fail "truncated PDB ($n bytes) not refused: $(head -2 "$tmp/err")"
done
for n in 1 4 20 31 32 33 100 500 1000 4096 100000 700000 750000 760000 763000 763807; do
  head -c "$n" "$machello" >"$tmp/mac/hello"; survives "$tmp/mac/hello"
done
for n in 8 30 48 4096 806000 900000 1500000 1583000; do
  head -c "$n" "$fat" >"$tmp/fat"; survives "$tmp/fat"; survives "$tmp/fat" --arch arm64
done
# PE: section count, data directory count, exception directory size.
nt=$(u32le "$winhello" 60)
for spec in "$((nt + 6)) 16 65535" "$((nt + 24 + 108)) 32 4294967295" "$((nt + 24 + 112 + 28)) 32 4294967295" \
            "$((nt + 24 + 112 + 44)) 32 4294967295" "$((nt + 24 + 112 + 40)) 32 4294967295"; do
  set -- $spec
  cp "$winhello" "$tmp/win/hello.exe"; cp "${winhello%.exe}.pdb" "$tmp/win/hello.pdb"
  if [ "$2" -eq 16 ]; then put_u16le "$tmp/win/hello.exe" "$1" "$3"; else put_u32le "$tmp/win/hello.exe" "$1" "$3"; fi
  survives "$tmp/win/hello.exe"
done
# PDB superblock: block count, directory size, block map address.
for spec in "40 4294967295" "44 4294967295" "52 4294967295" "44 0"; do
  set -- $spec
  cp "$winhello" "$tmp/win/hello.exe"; cp "${winhello%.exe}.pdb" "$tmp/win/hello.pdb"
  put_u32le "$tmp/win/hello.pdb" "$1" "$2"
  survives "$tmp/win/hello.exe"; grep -q "PDB refused" "$tmp/err" || fail "damaged PDB superblock (+$1) not refused"
done
# Mach-O: load command count and size, the symbol table's count and offset,
# LC_FUNCTION_STARTS' size.
symtab=""; fstarts=""; at=32
for ((i = 0; i < $(u32le "$machello" 16); i++)); do
  cmd=$(u32le "$machello" $at)
  [ "$cmd" -eq 2 ] && symtab=$at
  [ "$cmd" -eq 38 ] && fstarts=$at
  at=$((at + $(u32le "$machello" $((at + 4)))))
done
checks=$((checks + 1)); [ -n "$symtab" ] && [ -n "$fstarts" ] || fail "LC_SYMTAB/LC_FUNCTION_STARTS not found in $machello"
for spec in "16 4294967295" "20 4294967295" "16 0" "$((symtab + 12)) 4294967295" "$((symtab + 8)) 4294967295" \
            "$((symtab + 20)) 4294967295" "$((fstarts + 12)) 4294967295" "36 0"; do
  set -- $spec
  cp "$machello" "$tmp/mac/hello"; put_u32le "$tmp/mac/hello" "$1" "$2"; survives "$tmp/mac/hello"
done
# Universal header: slice count far past the header, a slice outside the file.
cp "$fat" "$tmp/fat"; printf '\000\000\000\050' | dd of="$tmp/fat" bs=1 seek=4 conv=notrunc status=none
survives "$tmp/fat"; grep -q "35 more universal slices do not lie in the file" "$tmp/err" || fail "slice count 40: $(head -5 "$tmp/err")"
cp "$fat" "$tmp/fat"; printf '\177\377\377\377' | dd of="$tmp/fat" bs=1 seek=16 conv=notrunc status=none
survives "$tmp/fat"; grep -q "does not lie in the file" "$tmp/err" || fail "slice outside the file: no warning"

# ---- generics and mstat -------------------------------------------------------
gdir=$SAMPLES/net10-linux-x64/generics
expect 0 "" -- help generics; stdout_has "^Bloat is the code of struct specializations"; stdout_has "names: exact"
# Definitions: text, JSON, CSV.
expect 0 "" -- generics "$generics"
stdout_has "^generics: [0-9]+ definitions, [0-9]+ instantiations"
stdout_has "^names: the binary's symbols \(value-type arguments judged from names"
stdout_has "^ +[0-9.]+ KiB +[0-9]+ +[0-9]+ .* System\.Collections\.Generic\.Dictionary\`2$"
stdout_has "^Bloat is the code"
expect 0 "" -- generics --format json "$generics"
stdout_has '"schema": "aotsize/1"'; stdout_has '"names": "symbols"'; stdout_has '"bloat_formula": "Bloat is'
stdout_has '"name": "Generics.App.Box`1"'
expect 0 "" -- generics --format csv "$generics"
stdout_has "^name,kind,assembly,instantiations,specialized,canonical,reference,file_size,vm_size,code,"
stdout_has '^Generics\.App\.Algo\.Max`1,method,GenericsApp,6,4,1,1,'
# One definition, by full name and by its unique short name.
expect 0 "" -- generics "$generics" 'System.Collections.Generic.Dictionary`2'
stdout_has "^System\.Collections\.Generic\.Dictionary\`2 in System\.Private\.CoreLib: 21 instantiations \(13 struct specializations, 1 canonical, 7 reference-type\)"
stdout_has "specialized +System\.Collections\.Generic\.Dictionary<Generics\.App\.MyKey, Generics\.App\.MyValue>$"
stdout_has "^Identical bodies"
expect 0 "" -- generics --format json "$generics" 'Dictionary`2'
stdout_has '"name": "System.Collections.Generic.Dictionary`2"'; stdout_has '"instantiations": 21'
expect 0 "" -- generics --format csv "$generics" 'Dictionary`2'
stdout_has "^definition,instantiation,form,arguments,file_size,vm_size,code,methodtable,dictionary,statics,other,"
checks=$((checks + 1)); [ "$(wc -l <"$tmp/out")" -eq 22 ] || fail "Dictionary\`2 csv: $(wc -l <"$tmp/out") lines, want 1 + 21"
# Unknown and ambiguous definitions: one clear line, exit 2.
expect 2 "no generic definition 'Nope\`1' in .*GenericsApp \(names look like" -- generics "$generics" 'Nope`1'; one_line
expect 2 "no generic definition 'Dictionary' in .*; did you mean 'System\.Collections\.Generic\.Dictionary\`2, System\.Private\.CoreLib'" -- generics "$generics" Dictionary; one_line
# A name two assemblies define: ambiguous, then chosen by "Name, Assembly".
expect 2 "'LowLevelList\`1' names 2 generic definitions in .*: 'System\.Collections\.Generic\.LowLevelList\`1, System\.Private\.CoreLib'; 'System\.Collections\.Generic\.LowLevelList\`1, System\.Private\.TypeLoader'" -- generics "$generics" 'LowLevelList`1'; one_line
expect 0 "" -- generics "$generics" 'System.Collections.Generic.LowLevelList`1, System.Private.TypeLoader'
stdout_has "^System\.Collections\.Generic\.LowLevelList\`1 in System\.Private\.TypeLoader: "
# By value-type argument.
expect 0 "" -- generics --by-arg "$generics"
stdout_has "^ +[0-9.]+ KiB +[0-9.]+ KiB +[0-9]+ +[0-9]+  GenericsApp +Generics\.App\.MyStruct  \[app\]$"
expect 0 "" -- generics --by-arg --format json "$generics"; stdout_has '"name": "Generics.App.MyKey",'
expect 0 "" -- generics --by-arg --format csv "$generics"
stdout_has "^name,mangled,assembly,app,instantiations,definitions,file_size_share,vm_size_share,file_size_all,vm_size_all$"
stdout_has "^Generics\.App\.LargeStruct,GenericsApp_Generics_App_LargeStruct,GenericsApp,true,"
# Side files: exact names with --mstat, folding checked with --map; without
# symbols, the side files name the instantiations.
expect 0 "" -- generics --mstat "$gdir/GenericsApp.mstat" --map "$gdir/GenericsApp.map.xml" "$generics"
stdout_has "^names: exact \(the binary's symbols, arguments and assemblies from .*GenericsApp\.mstat, format 2\.2\)"
stdout_has "checked against .*GenericsApp\.map\.xml: ([0-9]+) of \1 hash groups whole, ([0-9]+) of \2 identical-body groups"
expect 0 "" -- generics --format json --mstat "$gdir/GenericsApp.mstat" "$generics"; stdout_has '"exact": true'
expect 0 "" -- generics --no-debug-file --mstat "$gdir/GenericsApp.mstat" "$generics"
stdout_has "^names: exact from .*GenericsApp\.mstat \(format 2\.2\); sizes: ILC's node sizes"
stdout_has "System\.Collections\.Generic\.Dictionary\`2$"
expect 0 "" -- generics --no-debug-file "$generics"; stdout_has "^names: none"
expect 0 "" -- generics --no-fold "$generics"; stdout_has "^folding: 0 bodies disassembled"
expect 2 "text\.txt: not an \.mstat file" -- generics --mstat "$tmp/text.txt" "$generics"; one_line
expect 2 "missing\.map\.xml" -- generics --map "$tmp/missing.map.xml" "$generics"; one_line

# aotsize mstat on every sample's .mstat, each format version.
for m in net8-linux-x64/generics/GenericsApp:2.0 net8-win-x64/hello/hello:2.0 net9-linux-x64/generics/GenericsApp:2.1 \
         net9-linux-x64/hello/hello:2.1 net10-linux-x64/hello/hello:2.2 net10-linux-x64/webapi/WebApi.Sample:2.2 \
         net10-linux-arm64/hello/hello:2.2 net10-win-x64/generics/GenericsApp:2.2 net10-osx-arm64/generics/GenericsApp:2.2; do
  f=$SAMPLES/${m%:*}.mstat
  expect 0 "" -- mstat "$f"; stdout_has "ILC \.mstat ${m#*:} "; stdout_has "^Generic instantiations: [0-9]+ definitions"
  expect 0 "" -- mstat --format json "$f"; stdout_has "\"version\": \"${m#*:}\""
  expect 0 "" -- mstat --format csv "$f"; stdout_has "^level,assembly,namespace,type,member,size$"
done
expect 0 "" -- mstat --limit 0 --format csv "$gdir/GenericsApp.mstat"; stdout_has '^4,GenericsApp,Generics\.App,Algo,"Algo\.MeasureConstrained<Generics\.App\.Rect<Int32>, Int32>",19$'
expect 2 "hello: not an \.mstat file" -- mstat "$hello"; one_line
expect 2 "missing\.mstat: cannot open" -- mstat "$tmp/missing.mstat"; one_line
# Damaged .mstat files: truncated anywhere (headers, tables, heaps, IL, .names).
for n in 1 64 128 300 512 4096 100000 600000 1000000 1289000; do
  head -c "$n" "$gdir/GenericsApp.mstat" >"$tmp/g.mstat"; survives "$tmp/g.mstat" mstat
done

# The input is only read: a read-only copy in a read-only directory works,
# and no byte, size, modification or status-change time of it (or of its
# debug file) changes.
mkdir "$tmp/ro"; cp -p "$hello" "$hello.dbg" "$tmp/ro/"
chmod 444 "$tmp/ro/hello" "$tmp/ro/hello.dbg"; chmod 555 "$tmp/ro"
before=$(cd "$tmp/ro" && sha256sum hello hello.dbg && stat -c '%s %Y %Z' hello hello.dbg)
for view in summary tree symbols sections generics; do
  expect 0 "" -- "$view" "$tmp/ro/hello"
done
expect 0 "" -- snapshot -o "$tmp/ro-snapshot.json" "$tmp/ro/hello"
after=$(cd "$tmp/ro" && sha256sum hello hello.dbg && stat -c '%s %Y %Z' hello hello.dbg)
checks=$((checks + 1)); [ "$before" = "$after" ] || fail "the input changed: $before / $after"
chmod 755 "$tmp/ro"
# --strict: warnings then one final line saying why the status is 3.
cp "$hello" "$tmp/phdr"; printf '\xfe\xff' | dd of="$tmp/phdr" bs=1 seek=56 conv=notrunc status=none
expect 0 "warning: .*program header table" -- sections --no-debug-file "$tmp/phdr"
expect 3 "phdr: 1 warning with --strict$" -- sections --strict --no-debug-file "$tmp/phdr"
checks=$((checks + 1)); tail -n 1 "$tmp/err" | grep -q "with --strict$" || fail "--strict: last line is $(tail -n 1 "$tmp/err")"
expect 0 "" -- sections --format json --no-debug-file "$tmp/phdr"; stdout_has '"warnings": \['

echo "cli: $checks checks, $failures failed" >&2
[ "$failures" -eq 0 ]
