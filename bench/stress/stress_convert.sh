#!/usr/bin/env bash
# Reproduces the conversion-side findings of issue 12 and prints the figures docs/reliability.md records.
# Bounded: every step runs under `timeout`, file counts and durations are parameters, everything lives in
# a temporary folder that is removed at the end (nothing here is committed). Needs ffmpeg and /usr/bin/time.
#
#   bench/stress/stress_convert.sh                      # quick: 6 x 20-minute WAVs, 200 fuzzed files
#   LONG_SECONDS=9000 BUDGET=6GiB bench/stress/stress_convert.sh   # the issue's 6 x 2.5-hour recipe
#   LONG_SECONDS=9000 BUDGET=default STEPS="1 2" bench/stress/stress_convert.sh   # the memory figures only, default budget
#   LONG_SECONDS=9000 BUDGET=default STEPS=7 bench/stress/stress_convert.sh   # the ffmpeg decode paths on one long file
#
# Parameters (environment): CEPSTRA (command; default: the Release build of src/Cli), LONG_COUNT (6),
# LONG_SECONDS (1200), BUDGET (--memory-budget for the long-file run; default 2GiB), FUZZ_COUNT (200),
# STEP_TIMEOUT (seconds per step, 900), WORK (folder; default mktemp -d), STEPS (which numbered steps run;
# default all). BUDGET=default runs without --memory-budget (half the available memory).
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
CEPSTRA=${CEPSTRA:-"dotnet $REPO/src/Cli/bin/Release/net10.0/cepstra.dll"}
LONG_COUNT=${LONG_COUNT:-6}
LONG_SECONDS=${LONG_SECONDS:-1200}
BUDGET=${BUDGET:-2GiB}
FUZZ_COUNT=${FUZZ_COUNT:-200}
STEP_TIMEOUT=${STEP_TIMEOUT:-900}
STEPS=${STEPS:-1 2 3 4 5 6 7}
WORK=${WORK:-$(mktemp -d /tmp/cepstra-stress.XXXXXX)}
BUDGET_ARG=(--memory-budget "$BUDGET")
[ "$BUDGET" = default ] && BUDGET_ARG=()
step() { [[ " $STEPS " == *" $1 "* ]]; }
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1

peak() { # label, command... : runs it under /usr/bin/time and prints exit code and peak RSS
  local label=$1; shift
  /usr/bin/time -f "%M %e" -o time.txt timeout "$STEP_TIMEOUT" "$@" > out.txt 2> err.txt
  local rc=$?
  read -r kb secs < <(tail -1 time.txt)
  printf '%-44s exit %-3s peak RSS %6d MiB  %7.1f s\n' "$label" "$rc" $((kb / 1024)) "$secs"
  grep -h "Unhandled exception" out.txt err.txt && echo "  !! stack trace reached the user"
}

wav() { # path, seconds, rate
  ffmpeg -v error -y -f lavfi -i "anoisesrc=r=$3:d=$2:a=0.3:seed=$((${#1} + $2))" -ac 1 -c:a pcm_s16le "$1"
}

if step 1; then
echo "== 1. A WAV header claiming 1 Hz (43 KB)"
python3 - <<'PY'
import struct
data = b"\0\0" * 21600
hdr = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 1, 2, 2, 16) + b"data" + struct.pack("<I", len(data))
open("one-hz.wav", "wb").write(hdr + data)
PY
mkdir -p onehz && cp one-hz.wav onehz/
peak "extract --features all one-hz.wav" $CEPSTRA extract one-hz.wav --out ex1 --features all
grep -h "error:" err.txt | head -1
peak "convert (the 1 Hz file)" $CEPSTRA convert onehz --out ds1
grep -h "FAILED" err.txt | head -1

fi

summary() { python3 -c "import json,sys; s=json.load(open('out.txt')); print('  converted', s['converted'], 'failed', s['failed'], 'budget', s['memory_budget_bytes']>>20, 'MiB, peak admitted', s['peak_admitted_bytes']>>20, 'MiB'); [print('  FAILED', f['path'], f['reason']) for f in s['failures']]"; }

if step 2; then
echo "== 2. $LONG_COUNT x $LONG_SECONDS s 8 kHz WAVs, budget $BUDGET"
mkdir -p long one
wav long/a0.wav "$LONG_SECONDS" 8000
for i in $(seq 1 $((LONG_COUNT - 1))); do ln long/a0.wav "long/a$i.wav"; done
ln long/a0.wav one/a0.wav
peak "extract --features genre (one long file)" $CEPSTRA extract long/a0.wav --out ex2 --features genre --format npy "${BUDGET_ARG[@]}"
grep -h "error:" err.txt | head -1
peak "extract --features all (one long file)" $CEPSTRA extract long/a0.wav --out ex2b --features all "${BUDGET_ARG[@]}"
grep -h "error:" err.txt | head -1
peak "convert one long file" $CEPSTRA convert one --out ds2a "${BUDGET_ARG[@]}" -q --json
summary
peak "convert $LONG_COUNT long files" $CEPSTRA convert long --out ds2 "${BUDGET_ARG[@]}" -q --json
summary
peak "convert $LONG_COUNT long files, -j 1" $CEPSTRA convert long --out ds2j1 -j 1 "${BUDGET_ARG[@]}" -q --json
summary
fi

step 3 && {
echo "== 3. Symlink loop and duplicate folder"
mkdir -p sym/genres/blues sym/genres/jazz sym/genres/hiphop
for g in blues jazz hiphop; do for i in 0 1; do wav "sym/genres/$g/$g.$i.wav" 2 22050; done; done
ln -s .. sym/genres/jazz/loop
ln -s ../blues sym/genres/bluesdup
peak "convert genres with loop + bluesdup" $CEPSTRA convert sym --out ds3 -q --json
python3 -c "import json; s=json.load(open('out.txt')); print('  inputs', s['discovered_inputs'], 'rows', s['rows'])"

}
step 4 && {
echo "== 4. Retry after restoring a broken file"
mkdir -p retry && for i in 0 1 2; do wav "retry/r$i.wav" 3 22050; done
cp retry/r1.wav r1.good && head -c 40 r1.good > retry/r1.wav
peak "convert with a truncated file" $CEPSTRA convert retry --out ds4 -q
cp r1.good retry/r1.wav
peak "rerun after restoring it" $CEPSTRA convert retry --out ds4 --json -q
python3 -c "import json; s=json.load(open('out.txt')); print('  retried', s['retried'], 'converted', s['converted'], 'failed', s['failed'])"
$CEPSTRA verify ds4 | tail -1

}
step 5 && {
echo "== 5. kill -9 during an MP3 conversion: scratch left and cleaned"
mkdir -p mp3 && for i in $(seq 0 23); do ffmpeg -v error -y -f lavfi -i "anoisesrc=r=44100:d=30:a=0.3" -ac 2 "mp3/m$i.mp3"; done
before=$(ls -d "${TMPDIR:-/tmp}"/cepstra-decode-* 2>/dev/null | wc -l)
for k in 1 2 3 4 5; do
  $CEPSTRA convert mp3 --out ds5 -q & pid=$!
  sleep 2; kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
done
after=$(ls -d "${TMPDIR:-/tmp}"/cepstra-decode-* 2>/dev/null | wc -l)
inside=$(find ds5/_scratch -maxdepth 2 -name 'cepstra-decode-*' 2>/dev/null | wc -l)
echo "  after 5 kills: $((after - before)) new scratch folders in the temp folder, $inside under ds5/_scratch"
timeout "$STEP_TIMEOUT" $CEPSTRA convert mp3 --out ds5 -q; echo "  rerun exit $?; scratch left under ds5: $(find ds5 -name 'cepstra-decode-*' | wc -l)"

}
step 7 && {
echo "== 7. The ffmpeg paths on $LONG_SECONDS s: resampling through ffmpeg, two-step decode (3 channels, a window)"
mkdir -p ff/wav ff/mka
wav ff/wav/w.wav "$LONG_SECONDS" 8000
# Three channels in Matroska: libsndfile does not open it, and ffmpeg's one-pass rematrix is no plain mean there.
ffmpeg -v error -y -f lavfi -i "anoisesrc=r=8000:d=$LONG_SECONDS:a=0.3:seed=7" -f lavfi -i "sine=f=440:r=8000:d=$LONG_SECONDS" \
  -f lavfi -i "anoisesrc=r=8000:d=$LONG_SECONDS:a=0.2:c=pink:seed=8" -filter_complex amerge=inputs=3 -c:a flac ff/mka/t.mka
peak "convert 8 kHz WAV, --decoder ffmpeg" $CEPSTRA convert ff/wav --out ds7a --decoder ffmpeg -q --json "${BUDGET_ARG[@]}"
summary
peak "convert 3-channel .mka (two-step, soxr)" $CEPSTRA convert ff/mka --out ds7b -q --json "${BUDGET_ARG[@]}"
summary
peak "convert 3-channel .mka, --decoder ffmpeg" $CEPSTRA convert ff/mka --out ds7c --decoder ffmpeg -q --json "${BUDGET_ARG[@]}"
summary
peak "extract .mka --offset 10 --duration $((LONG_SECONDS - 1000)) ffmpeg" $CEPSTRA extract ff/mka/t.mka --out ex7 --features genre --format npy \
  --offset 10 --duration $((LONG_SECONDS - 1000)) --decoder ffmpeg "${BUDGET_ARG[@]}"
grep -h "error:" err.txt | head -1
echo "  npy digest (compare across builds): $(find ex7 -name "*.npy" | sort | xargs cat | md5sum | cut -c1-12)"
}
step 6 && {
echo "== 6. Fuzz batch: $FUZZ_COUNT mutated files"
mkdir -p fuzz seeds
wav seeds/s.wav 5 22050; ffmpeg -v error -y -i seeds/s.wav seeds/s.mp3; ffmpeg -v error -y -i seeds/s.wav seeds/s.flac
python3 - "$FUZZ_COUNT" <<'PY'
import os, random, struct, sys
random.seed(12)
seeds = [open("seeds/" + n, "rb").read() for n in ("s.wav", "s.mp3", "s.flac")]
for i in range(int(sys.argv[1])):
    k = i % 3
    b = bytearray(seeds[k])
    kind = random.randrange(4)
    if kind == 0:                                  # truncated anywhere
        b = b[:random.randrange(1, len(b))]
    elif kind == 1:                                # random bytes overwritten
        for _ in range(random.randrange(1, 64)):
            b[random.randrange(len(b))] = random.randrange(256)
    elif kind == 2 and k == 0:                     # lying WAV rate / size fields
        struct.pack_into("<I", b, 24, random.choice([1, 7, 999, 1000, 8000, 2**31 - 1]))
        struct.pack_into("<I", b, 40, random.choice([0, 2**32 - 1, len(b) * 1000]))
    else:                                          # header bytes scrambled
        for j in range(random.randrange(4, 48)):
            b[j] = random.randrange(256)
    open(f"fuzz/f{i:04d}" + (".wav", ".mp3", ".flac")[k], "wb").write(b)
PY
peak "convert fuzz batch" $CEPSTRA convert fuzz --out ds6 -q --json "${BUDGET_ARG[@]}"
python3 -c "import json; s=json.load(open('out.txt')); print('  converted', s['converted'], 'failed', s['failed'], 'truncated', s['truncated'], 'peak admitted', s['peak_admitted_bytes']>>20, 'MiB')"
}
