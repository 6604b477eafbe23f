#!/usr/bin/env bash
# Copy samples/bin to DEST (default /tmp/aotsize-samples-unpacked) and gunzip every
# *.gz side file there (X.dbg.gz -> X.dbg, X.map.xml.gz -> X.map.xml, X.mstat.gz -> X.mstat),
# so that e.g. the .gnu_debuglink of a stripped binary finds its .dbg next to it.
# With STAMP, touch that file when done (the test build uses it).
# Usage: samples/unpack.sh [DEST [STAMP]]
set -euo pipefail
SAMPLES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEST="${1:-/tmp/aotsize-samples-unpacked}"
rm -rf "$DEST"
mkdir -p "$DEST"
cp -a "$SAMPLES_DIR/bin/." "$DEST/"
find "$DEST" -type f -name '*.gz' -exec gzip -d -f {} +
if [ $# -ge 2 ]; then
  touch "$2"
else
  echo "$DEST"
fi
