#!/usr/bin/env bash
# Build macOS (Mach-O) Native AOT samples on this Linux machine and copy them into
# samples/bin/net10-osx-arm64/<app>/ and samples/bin/net10-osx-universal/hello/.
#
# The SDK cannot do it here: the package source has no osx ILCompiler package and no
# osx NativeAOT runtime pack (restore fails with NU1101 for
# runtime.osx-arm64.Microsoft.DotNet.ILCompiler and
# Microsoft.NETCore.App.Runtime.NativeAOT.osx-arm64).  So:
#
#   1. `dotnet publish -r linux-x64` the app as usual, only to get ILC's response file
#      (obj/.../native/<Asm>.ilc.rsp) and the compiled IL.
#   2. Run the same linux-x64-hosted ILC with that response file, changed to
#      --targetos:osx --targetarch:<arm64|x64> (and the Apple crypto shim instead of
#      OpenSSL in --directpinvoke).  ILC writes a real Mach-O object (+ map.xml, mstat).
#      The framework IL it compiles is the Linux NativeAOT runtime pack of the same
#      architecture (System.Private.CoreLib is built per architecture; the osx packs are
#      not available), so OS-specific managed code is the Linux flavour.
#   3. The native runtime (libRuntime.*.a, libbootstrapper.o, libSystem.Native.a ...) for
#      osx is not available, so every native symbol the object needs is replaced by a
#      small C stub (generated from `llvm-nm -u`), plus a `main` shaped like the
#      bootstrapper's.  THE NATIVE PART OF THESE SAMPLES IS SYNTHETIC; the managed part
#      (every section ILC emits, every managed symbol, the module header, the
#      dehydrated data, unwind and LSDA tables) is real ILC output.
#   4. Link with ld64.lld-19 the way Microsoft.NETCore.Native.targets links on macOS
#      (-dead_strip, -exported_symbols_list <Asm>.exports, macOS 12.0 minimum), with
#      chained fixups, against a text stub (libSystem.tbd) for the few libc functions.
#   5. dsymutil-19 (-> <Asm>.dSYM) and `llvm-strip-19 -x`, as the SDK does on macOS
#      (`dsymutil bin && strip -no_code_signature_warning -x bin`).
#   6. hello only: llvm-lipo-19 joins the x64 and arm64 slices into a universal binary,
#      and the two dSYMs into a universal dSYM.
#
# Usage: samples/build-macos.sh [hello] [generics]      (default: both)
# Environment: AOTSIZE_SAMPLES_BUILD_ROOT (default /tmp/aotsize-samples-build),
#              AOTSIZE_SKIP_APT=1 (never call apt-get).
set -euo pipefail

SAMPLES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APPS_DIR="$SAMPLES_DIR/apps"
OUT_DIR="$SAMPLES_DIR/bin"
BUILD_ROOT="${AOTSIZE_SAMPLES_BUILD_ROOT:-/tmp/aotsize-samples-build}"
WORK="$BUILD_ROOT/osx"
TFM=net10.0
MIN_OS=12.0

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

apps=("$@")
[[ ${#apps[@]} -eq 0 ]] && apps=(hello generics)

need=()
for p in clang lld-19 llvm-19; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [[ ${#need[@]} -gt 0 ]]; then
  [[ "${AOTSIZE_SKIP_APT:-0}" == 1 ]] && { echo "error: missing ${need[*]}" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}"
fi

app_assembly() { case "$1" in hello) echo hello ;; generics) echo GenericsApp ;; *) return 1 ;; esac; }
clang_arch() { case "$1" in arm64) echo arm64 ;; x64) echo x86_64 ;; esac; }

# A text stub of libSystem listing what the object and the stubs import from it:
# abort, and every undefined name that is a C library function (all lower case:
# memset, sin, pow ...; the runtime's own exports are RhpX, SystemNative_X ...).
write_libsystem_tbd() {
  local dir="$1" syms="$2"
  mkdir -p "$dir/usr/lib"
  cat >"$dir/usr/lib/libSystem.tbd" <<EOF
--- !tapi-tbd
tbd-version:     4
targets:         [ x86_64-macos, arm64-macos ]
install-name:    '/usr/lib/libSystem.B.dylib'
current-version: 1319
exports:
  - targets:         [ x86_64-macos, arm64-macos ]
    symbols:         [ $syms ]
...
EOF
}

# Step 1: the linux-x64 publish whose ILC response file and IL we reuse.
ilc_inputs() {
  local app="$1" variant=net10-osx-ilcinput
  local log="$WORK/$app-linux-publish.log"
  rm -rf "${BUILD_ROOT:?}/$variant"
  dotnet publish "$APPS_DIR/$app/$app.csproj" -c Release -r linux-x64 \
    -p:PublishAot=true -p:IlcGenerateMapFile=true -p:IlcGenerateMstatFile=true -p:Deterministic=true \
    -p:SampleTargetFramework=$TFM -p:AotsizeVariant=$variant -p:AotsizeSamplesBuildRoot="$BUILD_ROOT" \
    >"$log" 2>&1 || { echo "linux-x64 publish of $app failed; see $log" >&2; exit 1; }
  # The arm64 framework IL (restore only: no arm64 toolchain is needed for that).
  dotnet restore "$APPS_DIR/$app/$app.csproj" -r linux-arm64 -p:PublishAot=true \
    -p:SampleTargetFramework=$TFM -p:AotsizeVariant=$variant-arm64 -p:AotsizeSamplesBuildRoot="$BUILD_ROOT" \
    >>"$log" 2>&1 || { echo "linux-arm64 restore of $app failed; see $log" >&2; exit 1; }
  echo "$BUILD_ROOT/$variant/$app/obj/Release/$TFM/linux-x64"
}

# Steps 2-5 for one (app, arch); leaves $WORK/<app>-<arch>/{<Asm>,<Asm>.dSYM,map,mstat}.
build_slice() {
  local app="$1" arch="$2" obj="$3" asm
  asm="$(app_assembly "$app")"
  local out="$WORK/$app-$arch" carch
  carch="$(clang_arch "$arch")"
  rm -rf "$out"; mkdir -p "$out"
  local rsp="$obj/native/$asm.ilc.rsp"
  grep -v -e '^--targetos:' -e '^--targetarch:' "$rsp" |
    sed -e "s#$obj/native/#$out/#g" \
        -e 's#^--directpinvoke:System.Security.Cryptography.Native.OpenSsl$#--directpinvoke:System.Security.Cryptography.Native.Apple#' \
        -e "s#\.nativeaot\.linux-x64/\([^/]*\)/runtimes/linux-x64/#.nativeaot.linux-$arch/\1/runtimes/linux-$arch/#" \
        >"$out/$asm.ilc.rsp"
  printf -- '--targetos:osx\n--targetarch:%s\n' "$arch" >>"$out/$asm.ilc.rsp"
  # The ILC package has the version of the runtime pack the response file references.
  local ver ilc
  ver="$(sed -n 's#^-r:.*/microsoft\.netcore\.app\.runtime\.nativeaot\.linux-x64/\([^/]*\)/.*#\1#p' "$rsp" | head -1)"
  ilc="$HOME/.nuget/packages/runtime.linux-x64.microsoft.dotnet.ilcompiler/$ver"
  echo "$ver" >"$out/ilc-version"
  echo "== [$app $arch] ilc ($ilc)"
  "$ilc/tools/ilc" @"$out/$asm.ilc.rsp" >"$out/ilc.log" 2>&1 || { cat "$out/ilc.log" >&2; exit 1; }

  # Step 3: stubs for the native runtime.  Data symbols the object reads are
  # defined as data; everything else is a function that aborts.
  {
    echo '/* Generated by samples/build-macos.sh: stand-ins for the NativeAOT native runtime,'
    echo '   which is not available for macOS on this machine.  Not the real runtime. */'
    echo '#include <stddef.h>'
    echo 'extern void abort(void);'
    local s
    for s in $(llvm-nm-19 -u "$out/$asm.o" | sed 's/^_//'); do
      case "$s" in
        *[A-Z_]*) ;;
        *) continue ;; # a C library function: imported from libSystem
      esac
      case "$s" in
        RhpTrapThreads) echo "unsigned int RhpTrapThreads;" ;;
        __security_cookie) echo "size_t __security_cookie = 0x2b992ddfa232;" ;;
        *) echo "void $s(void) { abort(); }" ;;
      esac
    done
    cat <<'EOF'
/* Shaped like src/coreclr/nativeaot/Bootstrap/main.cpp: the section bounds ILC's
   object is registered with, then the managed entry point. */
extern void *__modules_a[] __asm("section$start$__DATA$__modules");
extern void *__modules_z[] __asm("section$end$__DATA$__modules");
extern char __managedcode_a __asm("section$start$__TEXT$__managedcode");
extern char __managedcode_z __asm("section$end$__TEXT$__managedcode");
extern char __unbox_a __asm("section$start$__TEXT$__unbox");
extern char __unbox_z __asm("section$end$__TEXT$__unbox");
extern void InitializeModules(void *osModule, void **modules, int count, void **classlib, int nclasslib);
extern int __managed__Main(int argc, char **argv);
struct { void *code[4]; } volatile g_ranges;
__attribute__((visibility("default"))) char DotNetRuntimeDebugHeader[64];
__attribute__((visibility("default"))) int main(int argc, char **argv)
{
    g_ranges.code[0] = &__managedcode_a; g_ranges.code[1] = &__managedcode_z;
    g_ranges.code[2] = &__unbox_a; g_ranges.code[3] = &__unbox_z;
    InitializeModules(0, __modules_a, (int)(__modules_z - __modules_a), 0, 0);
    return __managed__Main(argc, argv);
}
EOF
  } >"$out/runtime-stubs.c"
  clang --target="$carch-apple-macos$MIN_OS" -c -g -O1 -fvisibility=hidden \
    "$out/runtime-stubs.c" -o "$out/runtime-stubs.o"

  # Step 4: link as the SDK does on macOS.
  local libc
  libc="$(llvm-nm-19 -u "$out/$asm.o" | grep -v '[A-Z]' | grep -v '^__' | tr '\n' ' ' | sed 's/ *$//; s/ /, /g')"
  write_libsystem_tbd "$out/sdk" "_abort, ${libc:+$libc, }dyld_stub_binder"
  echo "== [$app $arch] ld64.lld-19"
  ld64.lld-19 -arch "$carch" -platform_version macos $MIN_OS $MIN_OS -syslibroot "$out/sdk" \
    -o "$out/$asm" "$out/$asm.o" "$out/runtime-stubs.o" -lSystem \
    -dead_strip -exported_symbols_list "$out/$asm.exports" -fixup_chains

  # Step 5: dSYM and strip, as the SDK does on macOS.
  dsymutil-19 "$out/$asm"
  llvm-strip-19 -x "$out/$asm"
}

gz() { gzip -9n -c "$1" >"$2.gz"; }

# copy_outputs SRC_SLICE_DIR DEST ASM MAPDIR: binary, gzipped dSYM DWARF, map, mstat.
copy_outputs() {
  local src="$1" dest="$2" asm="$3"
  rm -rf "$dest"; mkdir -p "$dest/$asm.dSYM/Contents/Resources/DWARF"
  cp "$src/$asm" "$dest/"
  cp "$src/$asm.dSYM/Contents/Info.plist" "$dest/$asm.dSYM/Contents/"
  gz "$src/$asm.dSYM/Contents/Resources/DWARF/$asm" "$dest/$asm.dSYM/Contents/Resources/DWARF/$asm"
}

buildinfo() {
  local dest="$1" variant="$2" app="$3" asm="$4" rid="$5" ilcver
  ilcver="$(cat "$WORK/$app-arm64/ilc-version")"
  {
    echo "variant=$variant"
    echo "app=$app"
    echo "assembly=$asm"
    echo "tfm=$TFM"
    echo "rid=$rid"
    echo "sdk=$(dotnet --version)"
    echo "ilc_package=$ilcver"
    echo "ilc_comment=(none)"
    echo "host_clang=$(clang --version | head -1)"
    echo "host_linker=$(ld64.lld-19 --version | head -1)"
    echo "stripped=yes"
    echo "gzipped=map,mstat,dSYM DWARF"
    echo "native_runtime=synthetic stubs (samples/build-macos.sh); managed part is real ILC output"
    echo "command=samples/build-macos.sh $app"
  } >"$dest/buildinfo.txt"
}

for app in "${apps[@]}"; do
  asm="$(app_assembly "$app")"
  obj="$(ilc_inputs "$app")"
  build_slice "$app" arm64 "$obj"
  dest="$OUT_DIR/net10-osx-arm64/$app"
  copy_outputs "$WORK/$app-arm64" "$dest" "$asm"
  gz "$WORK/$app-arm64/$asm.map.xml" "$dest/$asm.map.xml"
  gz "$WORK/$app-arm64/$asm.mstat" "$dest/$asm.mstat"
  buildinfo "$dest" net10-osx-arm64 "$app" "$asm" osx-arm64
  echo "   -> $dest ($(du -sh "$dest" | cut -f1))"

  if [[ "$app" == hello ]]; then
    build_slice "$app" x64 "$obj"
    u="$WORK/$app-universal"
    rm -rf "$u"; mkdir -p "$u/$asm.dSYM/Contents/Resources/DWARF"
    llvm-lipo-19 -create "$WORK/$app-x64/$asm" "$WORK/$app-arm64/$asm" -output "$u/$asm"
    llvm-lipo-19 -create "$WORK/$app-x64/$asm.dSYM/Contents/Resources/DWARF/$asm" \
      "$WORK/$app-arm64/$asm.dSYM/Contents/Resources/DWARF/$asm" \
      -output "$u/$asm.dSYM/Contents/Resources/DWARF/$asm"
    cp "$WORK/$app-x64/$asm.dSYM/Contents/Info.plist" "$u/$asm.dSYM/Contents/"
    dest="$OUT_DIR/net10-osx-universal/$app"
    copy_outputs "$u" "$dest" "$asm"
    # The x64 slice is the one aotsize reads by default; its map is the ground truth.
    gz "$WORK/$app-x64/$asm.map.xml" "$dest/$asm.map.xml"
    buildinfo "$dest" net10-osx-universal "$app" "$asm" "osx-x64+osx-arm64"
    echo "   -> $dest ($(du -sh "$dest" | cut -f1))"
  fi
done
echo "== total size of $OUT_DIR/net10-osx-*: $(du -shc "$OUT_DIR"/net10-osx-* | tail -1 | cut -f1)"
