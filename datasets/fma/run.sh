#!/bin/sh
# FMA end to end: convert (labels from track.genre_top, split from set.split) -> train (trainer chosen by
# CV on the training tracks, reported on the predefined test split) -> evaluate -> plots.
# Usage: run.sh <folder holding fma_metadata/ and fma_<subset>/> <work folder> [subset]
set -eu
root="${1:?usage: run.sh <fma folder> <work folder> [small|medium|large|full]}"
work="${2:?usage: run.sh <fma folder> <work folder> [subset]}"
subset="${3:-small}"
cepstra="${CEPSTRA:-dotnet run -c Release --project src/Cli --}"
mkdir -p "$work"
$cepstra convert "$root" --out "$work/features" --layout fma --subset "$subset" --segments 10
$cepstra train "$work/features" --model "$work/model.zip" --report "$work/report"
$cepstra evaluate "$work/features" --model "$work/model.zip" --confusion "$work/report/confusion-test.png"
first=$(find "$root/fma_$subset" -type f -name '*.mp3' | sort | head -n 1)
$cepstra plot "$first" --out "$work/plots" --report "$work/report/report.json"
$cepstra predict "$first" --model "$work/model.zip" --segments
