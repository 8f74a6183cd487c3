#!/bin/sh
# GTZAN end to end: convert (10 x 3 s segments) -> train (CV by track) -> evaluate -> plots.
set -eu
root="${1:?usage: run.sh <gtzan root> <work folder>}"
work="${2:?usage: run.sh <gtzan root> <work folder>}"
cepstra="${CEPSTRA:-dotnet run -c Release --project src/Cli --}"
mkdir -p "$work"
$cepstra convert "$root" --out "$work/features" --segments 10
$cepstra train "$work/features" --model "$work/model.zip" --report "$work/report"
$cepstra evaluate "$work/features" --model "$work/model.zip" --all-rows --confusion "$work/report/confusion-fit.png"
first=$(find "$root/genres" -type f \( -name '*.au' -o -name '*.wav' \) | sort | head -n 1)
$cepstra plot "$first" --out "$work/plots" --report "$work/report/report.json"
$cepstra predict "$first" --model "$work/model.zip" --segments
