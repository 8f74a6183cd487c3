#!/bin/sh
# Downloads the FMA metadata and one audio subset from the FMA authors' server and checks the
# SHA-1 sums they publish (archives.sha1). Usage: download.sh <folder> [small|medium|large|full]
set -eu
dir="${1:?usage: download.sh <folder> [small|medium|large|full]}"
subset="${2:-small}"
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
cd "$dir"
for f in fma_metadata.zip "fma_$subset.zip"; do
  [ -f "$f" ] || curl -fLO "https://os.unil.cloud.switch.ch/fma/$f"
  grep "  $f\$" "$here/archives.sha1" | sha1sum -c -
done
unzip -n -q fma_metadata.zip
unzip -n -q "fma_$subset.zip"
