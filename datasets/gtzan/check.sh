#!/bin/sh
# Checks that a GTZAN copy has the expected layout: genres/<genre>/ with 100 clips each.
set -eu
root="${1:?usage: check.sh <gtzan root (holding genres/)>}"
status=0
for g in blues classical country disco hiphop jazz metal pop reggae rock; do
  n=$(find "$root/genres/$g" -maxdepth 1 -type f \( -name '*.au' -o -name '*.wav' \) 2>/dev/null | wc -l)
  if [ "$n" -ne 100 ]; then
    echo "genres/$g: $n clips (expected 100)"
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "ok: 10 genres x 100 clips"
exit "$status"
