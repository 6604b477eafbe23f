#!/usr/bin/env bash
# Build win-x64 Native AOT samples on Linux: the .NET SDK runs ILC for Windows
# (a cross-OS publish the SDK blocks by default), and lld-link from Debian's
# `lld` package links the result instead of MSVC link.exe.  Outputs go to
# samples/bin/<variant>/<app>/: <Asm>.exe, <Asm>.pdb.gz, <Asm>.map.xml.gz,
# <Asm>.mstat.gz, buildinfo.txt.  See samples/README.md, "Windows samples".
#
# Usage:
#   samples/build-windows.sh                  # every variant, its default apps
#   samples/build-windows.sh net10-win-x64 hello
#   samples/build-windows.sh --list
#
# Environment: AOTSIZE_SAMPLES_BUILD_ROOT (default /tmp/aotsize-samples-build),
# AOTSIZE_SKIP_APT=1 (never call apt-get).
set -euo pipefail

SAMPLES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APPS_DIR="$SAMPLES_DIR/apps"
OUT_DIR="$SAMPLES_DIR/bin"
BUILD_ROOT="${AOTSIZE_SAMPLES_BUILD_ROOT:-/tmp/aotsize-samples-build}"
LOG_DIR="$BUILD_ROOT/logs"
TOOLCHAIN="$BUILD_ROOT/win-toolchain"
MINGW_LIB=/usr/x86_64-w64-mingw32/lib

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

ALL_VARIANTS=(net10-win-x64 net8-win-x64)
# Built only when named: checked (the .NET 9 layout: "hydrated" merged into
# .data's zero-fill tail) but not committed, to keep samples/bin small.
EXTRA_VARIANTS=(net9-win-x64)
ALL_APPS=(hello generics)
variant_tfm() { case "$1" in net10-*) echo net10.0 ;; net9-*) echo net9.0 ;; net8-*) echo net8.0 ;; esac; }
variant_default_apps() {
  case "$1" in
    net10-win-x64) echo "hello generics" ;;
    # .NET 8 keeps the older layout (.managed, hydrated, _RDATA): one small app is enough.
    net8-win-x64)  echo "hello" ;;
    net9-win-x64)  echo "hello" ;;
  esac
}
# The PDB is committed for every variant: names, ground truth against the map
# (net10 and net8, the older .managed/hydrated layout) and the cross-format
# test need it.  The "no PDB" case is the same .exe copied away from its PDB
# (tests/cli_test.sh does that).
variant_keeps_pdb() { true; }
app_assembly() { case "$1" in hello) echo hello ;; generics) echo GenericsApp ;; esac; }
app_workdirs() { case "$1" in generics) echo "generics GenericsLib" ;; *) echo "$1" ;; esac; }
contains() { local x="$1"; shift; for y in "$@"; do [[ "$x" == "$y" ]] && return 0; done; return 1; }

want_variants=(); want_apps=()
for arg in "$@"; do
  if [[ "$arg" == --list ]]; then
    for v in "${ALL_VARIANTS[@]}"; do echo "$v: $(variant_default_apps "$v")"; done; exit 0
  elif contains "$arg" "${ALL_VARIANTS[@]}" "${EXTRA_VARIANTS[@]}"; then want_variants+=("$arg")
  elif contains "$arg" "${ALL_APPS[@]}"; then want_apps+=("$arg")
  else echo "error: unknown variant or app '$arg' (try --list)" >&2; exit 2
  fi
done
[[ ${#want_variants[@]} -eq 0 ]] && want_variants=("${ALL_VARIANTS[@]}")

# ---------------------------------------------------------------------------
# Toolchain: lld-link (lld), clang for the CRT stand-in, mingw-w64 import libraries.
# ---------------------------------------------------------------------------
SUDO=""
if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
missing=()
for pkg in clang lld llvm mingw-w64-x86-64-dev; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
if [[ ${#missing[@]} -gt 0 && "${AOTSIZE_SKIP_APT:-0}" != 1 ]]; then
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" ||
    { $SUDO apt-get update && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"; }
fi
command -v dotnet >/dev/null || { echo "error: dotnet SDK not found in PATH" >&2; exit 1; }

rm -rf "$TOOLCHAIN"; mkdir -p "$TOOLCHAIN/libs" "$LOG_DIR"
# The Windows SDK import libraries the ILC targets name (SdkNativeLibrary in
# Microsoft.NETCore.Native.Windows.targets), the ones the runtime libraries ask
# for by /DEFAULTLIB (uuid), and ucrt.lib: mingw-w64's import libraries for the
# same DLLs.
for lib in advapi32 bcrypt crypt32 iphlpapi kernel32 mswsock ncrypt normaliz ntdll ole32 \
           oleaut32 secur32 user32 version ws2_32 uuid ucrt; do
  ln -s "$MINGW_LIB/lib$lib.a" "$TOOLCHAIN/libs/$lib.lib"
done
# ucrt functions that Microsoft's ucrt.lib imports but mingw-w64's libucrt.a
# implements itself (libmingwex) instead of importing.
for def in ucrt-math-extra ucrt-string-extra; do
  llvm-dlltool -m i386:x86-64 -d "$SAMPLES_DIR/windows/$def.def" -l "$TOOLCHAIN/libs/$def.lib"
done
clang++ --target=x86_64-pc-windows-msvc -O2 -fno-exceptions -c "$SAMPLES_DIR/windows/crtstub.cpp" \
  -o "$TOOLCHAIN/crtstub.obj"
export AOTSIZE_WIN_TOOLCHAIN="$TOOLCHAIN"

SDK_VERSION="$(dotnet --version)"
LLD_VERSION="$(lld-link --version | head -1)"
failures=()

build_one() {
  local variant="$1" app="$2" tfm asm
  tfm="$(variant_tfm "$variant")"; asm="$(app_assembly "$app")"
  local work="$BUILD_ROOT/$variant" log="$LOG_DIR/$variant-$app.log" dest="$OUT_DIR/$variant/$app"
  for d in $(app_workdirs "$app"); do rm -rf "${work:?}/$d"; done
  # DisableUnsupportedError: the ILC targets refuse a Windows target on a non-Windows
  # host only because link.exe is missing; IlcUseEnvironmentalTools skips the search
  # for Visual Studio; CppLinker is the lld-link wrapper.
  local -a cmd=(dotnet publish "$APPS_DIR/$app/$app.csproj" -c Release -r win-x64
    -p:PublishAot=true -p:IlcGenerateMapFile=true -p:IlcGenerateMstatFile=true
    -p:Deterministic=true -p:SampleTargetFramework="$tfm" -p:AotsizeVariant="$variant"
    -p:DisableUnsupportedError=true -p:IlcUseEnvironmentalTools=true
    -p:CppLinker="$SAMPLES_DIR/windows/lld-link-wrapper.sh")
  echo "== [$variant] $app"
  if ! "${cmd[@]}" -p:AotsizeSamplesBuildRoot="$BUILD_ROOT" >"$log" 2>&1; then
    echo "!! [$variant] $app FAILED (log: $log)" >&2
    grep -E 'error' "$log" | sort -u | head -20 >&2 || true
    failures+=("$variant/$app"); return 0
  fi
  # The linker output (bin/.../native/) rather than publish/: on a non-Windows host the
  # publish targets look for "<Asm>.exe.pdb" and so do not copy the PDB.
  local linked="$work/$app/bin/Release/$tfm/win-x64/native" native="$work/$app/obj/Release/$tfm/win-x64/native"
  rm -rf "$dest"; mkdir -p "$dest"
  cp "$linked/$asm.exe" "$dest/"
  local pdb_kept=no
  if variant_keeps_pdb "$variant"; then gzip -9n -c "$linked/$asm.pdb" >"$dest/$asm.pdb.gz"; pdb_kept=yes; fi
  gzip -9n -c "$native/$asm.map.xml" >"$dest/$asm.map.xml.gz"
  gzip -9n -c "$native/$asm.mstat" >"$dest/$asm.mstat.gz"
  local ilc_pkg
  ilc_pkg="$(grep -o '"[Rr]untime\.win-x64\.[Mm]icrosoft\.[Dd]ot[Nn]et\.[Ii][Ll][Cc]ompiler/[^"]*"\|"[Mm]icrosoft\.[Dd]ot[Nn]et\.[Ii][Ll][Cc]ompiler/[^"]*"' \
    "$work/$app/obj/project.assets.json" | head -1 | tr -d '"' | sed 's#.*/##' || true)"
  {
    echo "variant=$variant"; echo "app=$app"; echo "assembly=$asm.exe"; echo "tfm=$tfm"; echo "rid=win-x64"
    echo "sdk=$SDK_VERSION"; echo "ilc_package=${ilc_pkg:-unknown}"; echo "ilc_comment=(none)"
    echo "host_linker=$LLD_VERSION (samples/windows/lld-link-wrapper.sh)"
    echo "crt=samples/windows/crtstub.cpp (stand-in for LIBCMT/libvcruntime/libcpmt)"
    echo "pdb=$pdb_kept"; echo "gzipped=pdb,map,mstat"
    echo "command=${cmd[*]/#$SAMPLES_DIR/samples}"
  } >"$dest/buildinfo.txt"
  echo "   -> $dest ($(du -sh "$dest" | cut -f1))"
}

for v in "${want_variants[@]}"; do
  read -r -a apps <<<"$(variant_default_apps "$v")"
  for a in "${apps[@]}"; do
    if [[ ${#want_apps[@]} -eq 0 ]] || contains "$a" "${want_apps[@]}"; then build_one "$v" "$a"; fi
  done
done
if [[ ${#failures[@]} -gt 0 ]]; then echo "!! failed: ${failures[*]}" >&2; exit 1; fi
