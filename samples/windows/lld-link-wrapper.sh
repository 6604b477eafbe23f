#!/usr/bin/env bash
# Stands in for MSVC link.exe when samples/build-windows.sh publishes a win-x64
# Native AOT app on Linux (-p:CppLinker=<this script>).  The SDK calls
#   <linker> @"<obj>/native/link.rsp"
# with the same response file it would give link.exe; this script rewrites the
# few parts LLD 14 cannot take and links with lld-link:
#   * drops /SOURCELINK:, /NOEXP, /NOIMPLIB (lld-link 14 does not know them; on
#     Linux an unknown "/X" is taken for a file path);
#   * the Windows SDK import libraries (kernel32.lib ...) and ucrt.lib come from
#     $AOTSIZE_WIN_TOOLCHAIN/libs (mingw-w64 import libraries, plus two small
#     llvm-dlltool libraries for ucrt functions mingw-w64 does not import);
#   * Microsoft's static C runtime (LIBCMT, libvcruntime, libcpmt, OLDNAMES) is
#     replaced by $AOTSIZE_WIN_TOOLCHAIN/crtstub.obj (samples/windows/crtstub.cpp);
#   * /MERGE:.CRT=.rdata as link.exe does by default; /Brepro and
#     /PDBALTPATH:%_PDB% so the image holds no time stamp or build path.
set -euo pipefail
TC="${AOTSIZE_WIN_TOOLCHAIN:?AOTSIZE_WIN_TOOLCHAIN must name the toolchain dir made by build-windows.sh}"
[[ $# -eq 1 && "$1" == @* ]] || { echo "lld-link-wrapper: expected one @response-file argument" >&2; exit 2; }
rsp="${1#@}"
out_rsp="$(dirname "$rsp")/link.lld.rsp"
# Strip a UTF-8 BOM, the unsupported options, and keep everything else.
sed -e '1s/^\xef\xbb\xbf//' -e 's#/SOURCELINK:[^ ]*##g; s#/NOEXP\b##g; s#/NOIMPLIB\b##g' "$rsp" >"$out_rsp"
cat >>"$out_rsp" <<RSP
/LIBPATH:"$TC/libs"
"$TC/crtstub.obj"
ucrt-math-extra.lib
ucrt-string-extra.lib
/NODEFAULTLIB:LIBCMT.lib /NODEFAULTLIB:OLDNAMES.lib /NODEFAULTLIB:libcpmt.lib /NODEFAULTLIB:libvcruntime.lib
/MERGE:.CRT=.rdata
/Brepro
/PDBALTPATH:%_PDB%
RSP
out="$(sed -n 's#^/OUT:"\(.*\)"$#\1#p' "$out_rsp" | head -1)"
lld-link @"$out_rsp"
# link.exe gets /NOIMPLIB; lld-link 14 writes the import library anyway.
[[ -n "$out" ]] && rm -f "${out%.exe}.lib" "${out%.exe}.exp"
exit 0
