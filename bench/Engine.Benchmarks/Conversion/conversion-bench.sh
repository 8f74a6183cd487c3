#!/usr/bin/env bash
# End-to-end conversion figures for the README: wall time, × realtime and peak RSS of `cepstra convert`
# on gtzan-mini and fma-mini, next to decoding the same fma-mini files with plain ffmpeg processes in
# the same run (same parallelism). The BenchmarkDotNet suite ConversionBenchmarks measures the same
# workloads in-process; this script measures the shipped CLI as a user runs it (process start included).
#
# Usage: bench/Engine.Benchmarks/Conversion/conversion-bench.sh [workers] [backend]   (from the repo root)
# Needs: ffmpeg, python3, ../shared/datasets (or CEPSTRA_SHARED).
set -euo pipefail
workers="${1:-2}"
backend="${2:-simd}"
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
shared="${CEPSTRA_SHARED:-$repo/../shared}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

dotnet build "$repo/src/Cli" -c Release -o "$scratch/cli" >/dev/null
cli=(dotnet "$scratch/cli/cepstra.dll")

convert() { # name input extra-args...
    local name="$1" input="$2"; shift 2
    local start end
    start=$(date +%s.%N)
    "${cli[@]}" convert "$input" --out "$scratch/out-${name// /_}" --workers "$workers" --backend "$backend" --quiet --json "$@" >"$scratch/summary.json" || [ $? -eq 1 ]
    end=$(date +%s.%N)
    python3 - "$scratch/summary.json" "$start" "$end" "$name" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); wall = float(sys.argv[3]) - float(sys.argv[2])
print(f"| {sys.argv[4]} | {s['converted']} files, {s['rows']} rows | {wall:.2f} s | {s['elapsed_seconds']:.2f} s | {s['realtime_factor']:.0f}× | {s['peak_rss_bytes']/2**20:.0f} MiB |")
PY
}

ffmpeg_only() { # decode every fma-mini MP3 to mono 22050 Hz float with soxr, $workers at a time
    local start end
    start=$(date +%s.%N)
    find "$shared/datasets/fma-mini/fma_small" -name '*.mp3' -print0 \
        | xargs -0 -P "$workers" -I{} ffmpeg -nostdin -v error -i {} -ac 1 -af aresample=resampler=soxr:precision=20 -ar 22050 -f f32le -y /dev/null
    end=$(date +%s.%N)
    python3 - "$start" "$end" <<'PY'
import sys
print(f"| fma-mini: plain ffmpeg decode+soxr alone | 40 files | {float(sys.argv[2]) - float(sys.argv[1]):.2f} s | | | |")
PY
}

echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores visible; workers=$workers backend=$backend; $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| workload | output | wall (process) | pipeline elapsed | × realtime | peak RSS |"
echo "|---|---|---|---|---|---|"
convert gtzan-mini "$shared/datasets/gtzan-mini"
convert gtzan-mini-frames "$shared/datasets/gtzan-mini" --frames mfcc,log_mel
ffmpeg_only
convert fma-mini "$shared/datasets/fma-mini" --layout fma
ffmpeg_only
# Peak RSS must not grow with the number of files: 20, 100 and 300 clips (symlinks to gtzan-mini's clips).
for n in 20 100 300; do
    mkdir -p "$scratch/links-$n"
    find "$shared/datasets/gtzan-mini/genres" -name '*.wav' | sort | awk -v n="$n" '{ for (r = 0; r < 3; r++) print r, $0 }' \
        | sort -n -s -k1,1 | head -n "$n" | while read -r r f; do ln -s "$f" "$scratch/links-$n/r$r-$(basename "$f")"; done
    convert "gtzan x$n (plain folder)" "$scratch/links-$n" --layout plain
done
