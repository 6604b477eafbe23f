#!/usr/bin/env bash
# Build the aotsize sample apps with .NET Native AOT (ILC) and copy the outputs
# (binary, .dbg, ILC map and mstat) into samples/bin/<variant>/<app>/.
#
# Usage:
#   samples/build.sh                      # every variant, every app of each variant
#   samples/build.sh net8-linux-x64       # one variant, its default apps
#   samples/build.sh hello generics       # every variant, only these apps (where the variant has them)
#   samples/build.sh net10-linux-arm64 hello
#   samples/build.sh --list               # print variants and their apps
#
# Arguments are variant names and/or app names, in any order. An app that is not
# in a variant's default list is built for that variant only if the variant is
# named explicitly (e.g. "samples/build.sh net8-linux-x64 webapi").
#
# Environment:
#   AOTSIZE_SAMPLES_BUILD_ROOT  work dir for bin/obj      (default /tmp/aotsize-samples-build)
#   AOTSIZE_GZIP="map,mstat,dbg"  which side files to store gzipped (gzip -9n, name + ".gz");
#                               any subset of map,mstat,dbg; "" = none. Default: all three
#                               (keeps samples/bin near the size budget). Binaries are never
#                               compressed. samples/unpack.sh expands a copy of the tree.
#   AOTSIZE_SKIP_APT=1          never call apt-get
#
# Re-runnable: each (variant, app) work dir is deleted before publishing, and the
# corresponding samples/bin/<variant>/<app>/ directory is replaced.
set -euo pipefail

SAMPLES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APPS_DIR="$SAMPLES_DIR/apps"
OUT_DIR="$SAMPLES_DIR/bin"
BUILD_ROOT="${AOTSIZE_SAMPLES_BUILD_ROOT:-/tmp/aotsize-samples-build}"
GZIP_KINDS="${AOTSIZE_GZIP-map,mstat,dbg}"
LOG_DIR="$BUILD_ROOT/logs"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# ---------------------------------------------------------------------------
# Variants: name -> "tfm rid extra-msbuild-args" and default apps.
# ---------------------------------------------------------------------------
ALL_VARIANTS=(
  net10-linux-x64
  net10-linux-x64-unstripped
  net10-linux-arm64
  net9-linux-x64
  net8-linux-x64
)
ALL_APPS=(hello generics webapi diffdemo diffdemo-after)

variant_tfm() {
  case "$1" in
    net10-*) echo net10.0 ;;
    net9-*)  echo net9.0 ;;
    net8-*)  echo net8.0 ;;
    *) echo "unknown variant $1" >&2; return 1 ;;
  esac
}

variant_rid() {
  case "$1" in
    *-linux-arm64*) echo linux-arm64 ;;
    *-linux-x64*)   echo linux-x64 ;;
    *) echo "unknown variant $1" >&2; return 1 ;;
  esac
}

# Extra MSBuild properties per variant (one per line).
variant_props() {
  case "$1" in
    *-unstripped) echo "-p:StripSymbols=false" ;;
    # Cross-link for arm64: the SDK passes --target=aarch64-linux-gnu to clang, which
    # finds Debian's cross toolchain (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross,
    # binutils-aarch64-linux-gnu) by itself. Do NOT pass -p:SysRoot=/usr/aarch64-linux-gnu:
    # that directory is not a real sysroot (its libc.so linker script uses absolute
    # /usr/aarch64-linux-gnu/lib/... paths, which the linker then looks up *inside* the
    # sysroot and fails). Default linker flavor (bfd via aarch64-linux-gnu-ld) is used,
    # same as the x64 variants; -p:LinkerFlavor=lld also works.
    *-linux-arm64*) : ;;
    *) : ;;
  esac
}

variant_default_apps() {
  case "$1" in
    net10-linux-x64)            echo "hello generics webapi diffdemo diffdemo-after" ;;
    net10-linux-x64-unstripped) echo "hello" ;;
    # generics on arm64 adds little over x64 and would cost 5.6 MB of samples.
    net10-linux-arm64)          echo "hello" ;;
    net9-linux-x64)             echo "hello generics" ;;
    net8-linux-x64)             echo "hello generics" ;;
  esac
}

# Project file and assembly (= output binary) name per app.
# diffdemo-after is apps/diffdemo built with -p:DiffDemoAfter=true (a known change
# for the diff tests); both builds publish the assembly "diffdemo".
app_dir()      { case "$1" in diffdemo-after) echo diffdemo ;; *) echo "$1" ;; esac; }
app_project()  { local d; d="$(app_dir "$1")"; echo "$APPS_DIR/$d/$d.csproj"; }
app_props()    { case "$1" in diffdemo-after) echo "-p:DiffDemoAfter=true" ;; esac; }
app_assembly() {
  case "$1" in
    hello)    echo hello ;;
    diffdemo|diffdemo-after) echo diffdemo ;;
    generics) echo GenericsApp ;;
    webapi)   echo WebApi.Sample ;;
  esac
}
# MSBuild project names whose work dirs belong to an app (referenced projects too).
app_workdirs() {
  case "$1" in
    generics) echo "generics GenericsLib" ;;
    *)        app_dir "$1" ;;
  esac
}

contains() { local x="$1"; shift; for y in "$@"; do [[ "$x" == "$y" ]] && return 0; done; return 1; }

# ---------------------------------------------------------------------------
# Arguments.
# ---------------------------------------------------------------------------
want_variants=()
want_apps=()
for arg in "$@"; do
  if [[ "$arg" == "--list" ]]; then
    for v in "${ALL_VARIANTS[@]}"; do echo "$v: $(variant_default_apps "$v")"; done
    exit 0
  elif [[ "$arg" == "-h" || "$arg" == "--help" ]]; then
    sed -n '2,25p' "${BASH_SOURCE[0]}"; exit 0
  elif contains "$arg" "${ALL_VARIANTS[@]}"; then
    want_variants+=("$arg")
  elif contains "$arg" "${ALL_APPS[@]}"; then
    want_apps+=("$arg")
  else
    echo "error: unknown variant or app '$arg' (try --list)" >&2
    exit 2
  fi
done
explicit_variants=0
if [[ ${#want_variants[@]} -eq 0 ]]; then
  want_variants=("${ALL_VARIANTS[@]}")
else
  explicit_variants=1
fi

# ---------------------------------------------------------------------------
# Prerequisites.
# ---------------------------------------------------------------------------
SUDO=""
if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

apt_ensure() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ "${AOTSIZE_SKIP_APT:-0}" == "1" ]]; then
    echo "warning: missing packages ${missing[*]} (AOTSIZE_SKIP_APT=1, not installing)" >&2
    return 0
  fi
  echo "== apt-get install ${missing[*]}"
  if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"; then
    $SUDO apt-get update
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  fi
}

command -v dotnet >/dev/null 2>&1 || { echo "error: dotnet SDK not found in PATH" >&2; exit 1; }
apt_ensure clang lld llvm zlib1g-dev
for v in "${want_variants[@]}"; do
  if [[ "$(variant_rid "$v")" == linux-arm64 ]]; then
    apt_ensure gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu
    break
  fi
done

SDK_VERSION="$(dotnet --version)"
mkdir -p "$OUT_DIR" "$LOG_DIR"

# ---------------------------------------------------------------------------
# Build one (variant, app).
# ---------------------------------------------------------------------------
failures=()

# put_side <kind> <src> <destdir>: copy, gzipped if <kind> is listed in AOTSIZE_GZIP.
put_side() {
  local kind="$1" src="$2" destdir="$3"
  if [[ ",$GZIP_KINDS," == *",$kind,"* ]]; then
    gzip -9n -c "$src" >"$destdir/$(basename "$src").gz"
  else
    cp "$src" "$destdir/"
  fi
}

build_one() {
  local variant="$1" app="$2"
  local tfm rid asm proj
  tfm="$(variant_tfm "$variant")"
  rid="$(variant_rid "$variant")"
  asm="$(app_assembly "$app")"
  proj="$(app_project "$app")"
  local work="$BUILD_ROOT/$variant"
  local log="$LOG_DIR/$variant-$app.log"
  local dest="$OUT_DIR/$variant/$app"

  for d in $(app_workdirs "$app"); do rm -rf "${work:?}/$d"; done

  local -a props
  mapfile -t props < <(variant_props "$variant"; app_props "$app")
  local -a cmd=(dotnet publish "$proj" -c Release -r "$rid"
    -p:PublishAot=true -p:IlcGenerateMapFile=true -p:IlcGenerateMstatFile=true
    -p:Deterministic=true
    -p:SampleTargetFramework="$tfm" -p:AotsizeVariant="$variant")
  local p
  for p in "${props[@]}"; do [[ -n "$p" ]] && cmd+=("$p"); done
  # Work-dir root; PathMap in apps/Directory.Build.props keeps it out of the outputs,
  # so it is left out of the recorded command.
  local -a root_arg=(-p:AotsizeSamplesBuildRoot="$BUILD_ROOT")

  echo "== [$variant] $app: ${cmd[*]}"
  if ! "${cmd[@]}" "${root_arg[@]}" >"$log" 2>&1; then
    echo "!! [$variant] $app FAILED (log: $log)" >&2
    grep -E 'error|Error' "$log" | sort -u | head -20 >&2 || true
    failures+=("$variant/$app")
    return 0
  fi

  local projname
  projname="$(app_dir "$app")"
  local pub="$work/$projname/bin/Release/$tfm/$rid/publish"
  local native="$work/$projname/obj/Release/$tfm/$rid/native"
  rm -rf "$dest"
  mkdir -p "$dest"
  cp "$pub/$asm" "$dest/"
  [[ -f "$pub/$asm.dbg" ]] && put_side dbg "$pub/$asm.dbg" "$dest"
  # The diffdemo pair keeps only binary + .dbg: its tests need no side files,
  # and the pair stays near 6 MB of samples/bin.
  if [[ "$app" != diffdemo* ]]; then
    put_side mstat "$native/$asm.mstat" "$dest"
    put_side map "$native/$asm.map.xml" "$dest"
  fi

  # Versions. ILC package version comes from the restore graph; net10+ also stamps
  # ".NET: ilc <version>" into .comment (net8/net9 do not).
  local assets="$work/$projname/obj/project.assets.json"
  local ilc_pkg comment_ilc comment_all clang_ver
  ilc_pkg="$(grep -o '"[Rr]untime\.[a-z0-9-]*\.[Mm]icrosoft\.[Dd]ot[Nn]et\.[Ii][Ll][Cc]ompiler/[^"]*"' "$assets" | head -1 | tr -d '"' | sed 's#.*/##' || true)"
  [[ -z "$ilc_pkg" ]] && ilc_pkg="$(grep -o '"[Mm]icrosoft\.[Dd]ot[Nn]et\.[Ii][Ll][Cc]ompiler/[^"]*"' "$assets" | head -1 | tr -d '"' | sed 's#.*/##' || true)"
  comment_all="$(readelf -p .comment "$dest/$asm" 2>/dev/null | sed -n 's/^ *\[ *[0-9a-f]*\] *//p' | paste -sd ';' - || true)"
  comment_ilc="$(readelf -p .comment "$dest/$asm" 2>/dev/null | grep -o '\.NET: ilc .*' | sed 's/ *$//' || true)"
  clang_ver="$(clang --version | head -1)"
  local ld_ver
  if [[ "$rid" == linux-arm64 ]]; then ld_ver="$(aarch64-linux-gnu-ld --version 2>/dev/null | head -1 || true)"
  else ld_ver="$(ld --version 2>/dev/null | head -1 || true)"; fi
  {
    echo "variant=$variant"
    echo "app=$app"
    echo "assembly=$asm"
    echo "tfm=$tfm"
    echo "rid=$rid"
    echo "sdk=$SDK_VERSION"
    echo "ilc_package=${ilc_pkg:-unknown}"
    echo "ilc_comment=${comment_ilc:-(none)}"
    echo "elf_comment=$comment_all"
    echo "host_clang=$clang_ver"
    echo "host_linker=$ld_ver"
    echo "stripped=$([[ -f "$pub/$asm.dbg" ]] && echo yes || echo no)"
    echo "gzipped=$GZIP_KINDS"
    echo "command=${cmd[*]/#$SAMPLES_DIR/samples}"
  } >"$dest/buildinfo.txt"
  echo "   -> $dest ($(du -sh "$dest" | cut -f1)); ILC $ilc_pkg; ${comment_ilc:-no ilc .comment}"
}

for v in "${want_variants[@]}"; do
  read -r -a defaults <<<"$(variant_default_apps "$v")"
  if [[ ${#want_apps[@]} -eq 0 ]]; then
    apps=("${defaults[@]}")
  else
    apps=()
    for a in "${want_apps[@]}"; do
      if contains "$a" "${defaults[@]}" || [[ $explicit_variants -eq 1 ]]; then apps+=("$a"); fi
    done
  fi
  for a in "${apps[@]}"; do build_one "$v" "$a"; done
done

# ---------------------------------------------------------------------------
# Version table: regenerate the block between the markers in samples/README.md
# from every samples/bin/*/*/buildinfo.txt.
# ---------------------------------------------------------------------------
gen_table() {
  echo "| variant | app | binary | TFM | RID | SDK | ILC package | ILC in .comment | stripped |"
  echo "|---|---|---|---|---|---|---|---|---|"
  local f
  for f in "$OUT_DIR"/*/*/buildinfo.txt; do
    [[ -f "$f" ]] || continue
    # shellcheck disable=SC1090
    ( set +u; . <(sed 's/^\([a-z_]*\)=\(.*\)$/\1='"'"'\2'"'"'/' "$f")
      echo "| $variant | $app | $assembly | $tfm | $rid | $sdk | $ilc_package | ${ilc_comment} | $stripped |" )
  done
}

README="$SAMPLES_DIR/README.md"
if [[ -f "$README" ]] && grep -q '<!-- versions:begin -->' "$README"; then
  table="$(gen_table)"
  awk -v table="$table" '
    /<!-- versions:begin -->/ { print; print table; skip=1; next }
    /<!-- versions:end -->/   { skip=0 }
    !skip { print }
  ' "$README" >"$README.tmp" && mv "$README.tmp" "$README"
  echo "== updated version table in $README"
else
  gen_table
fi

echo "== total size of $OUT_DIR: $(du -sh "$OUT_DIR" | cut -f1)"
if [[ ${#failures[@]} -gt 0 ]]; then
  echo "!! failed: ${failures[*]} (logs in $LOG_DIR)" >&2
  exit 1
fi
