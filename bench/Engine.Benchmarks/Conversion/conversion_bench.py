#!/usr/bin/env python3
"""End-to-end conversion figures for the README, taken with the shipped CLI as a user runs it.

Measures, in one run and interleaved (round r runs every workload once, so background load hits all of
them alike), wall time and CPU time (user + sys of the process and its children, ffmpeg included):

  * fma-mini, 40 MP3 -> Parquet with `cepstra convert` (the `dotnet build` output, and the same CLI
    published ReadyToRun, which is how a container or cluster install runs it), with the default in-process
    decoder (libsndfile + libsoxr) and with `--decoder ffmpeg` (batched ffmpeg processes), next to two baselines
    that only decode the same files to mono 22050 Hz float with soxr HQ, `workers` at a time:
      - "ffmpeg per file": one plain ffmpeg process per file (what a script calling ffmpeg does);
      - "ffmpeg batched": the exact decode `cepstra convert` runs (8 files per ffmpeg process, the same
        filter chain), without the features, Parquet or .NET;
  * the same for fma-mini ×10 (400 files as hard links), where start-up is amortised as in a real archive;
  * gtzan-mini, 100 WAV -> Parquet (summary features; and with the mfcc + log_mel frame tables), and one of its
    WAVs alone (the start-up: host, assembly loading, option binding, planning, compiling, the one commit);
  * peak RSS on 20 / 100 / 300 / 900 files (hard links to gtzan-mini clips) to show it does not grow.

Usage (from the repository root): python3 bench/Engine.Benchmarks/Conversion/conversion_bench.py [--rounds 5] [--workers 2]
    [--no-publish] [--no-rss]   (skip the ReadyToRun rows / the RSS-versus-file-count table, for a shorter run)
    [--phases]   (then also one gtzan-mini run with CEPSTRA_TIMING=1: where its wall time goes, phase by phase)
Needs: the .NET SDK, ffmpeg, libsndfile1 + libsoxr0, ../shared/datasets (or CEPSTRA_SHARED). Prints a Markdown report on stdout.
"""
import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("CEPSTRA_SHARED", REPO.parent / "shared"))
FILTER = "aresample=resampler=soxr:precision=20:rematrix_maxval=1"
BATCH = 8


def timed(cmd, **kw):
    """Runs cmd; returns (wall s, cpu s of the process tree, completed process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False, **kw)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, p


def link_or_copy(source, target):
    """A hard link to source (a copy across file systems). Not a symlink: `convert` reads a file reached through
    several symlinks once, under its real path (issue 12), so a symlink farm would convert each real file once."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def decode_script(files, workers, batched):
    """A shell pipeline decoding `files` with ffmpeg, `workers` processes at a time."""
    listing = ("\0".join(str(f) for f in files) + "\0").encode()
    if batched:
        one = ("args=(); outs=(); i=0; for f in \"$@\"; do args+=(-i \"$f\"); "
               f"outs+=(-map $i:a:0 -ac 1 -af {FILTER} -ar 22050 -c:a pcm_f32le -f f32le -y /dev/null); i=$((i+1)); done; "
               "exec ffmpeg -nostdin -v error \"${args[@]}\" \"${outs[@]}\"")
        xargs = f"xargs -0 -n {BATCH} -P {workers} bash -c '{one}' _"
    else:
        xargs = (f"xargs -0 -P {workers} -I{{}} ffmpeg -nostdin -v error -i {{}} -ac 1 -af {FILTER} "
                 "-ar 22050 -c:a pcm_f32le -f f32le -y /dev/null")
    return ["bash", "-c", xargs], listing


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--backend", default="simd")
    ap.add_argument("--no-publish", action="store_true")
    ap.add_argument("--no-rss", action="store_true")
    ap.add_argument("--phases", action="store_true")
    args = ap.parse_args()
    fma = SHARED / "datasets" / "fma-mini"
    gtzan = SHARED / "datasets" / "gtzan-mini"
    if not fma.is_dir() or not gtzan.is_dir():
        sys.exit(f"needs {fma} and {gtzan}")
    mp3s = sorted(fma.glob("fma_small/*/*.mp3"))

    scratch = Path(tempfile.mkdtemp(prefix="cepstra-bench-"))
    try:
        built, published = scratch / "build", scratch / "publish"
        subprocess.run(["dotnet", "build", str(REPO / "src/Cli"), "-c", "Release", "-o", str(built)], check=True, stdout=subprocess.DEVNULL)
        rid = subprocess.run(["bash", "-c", "dotnet --info | awk '/RID:/ {print $2; exit}'"], capture_output=True, text=True).stdout.strip()
        if not args.no_publish:
            subprocess.run(["dotnet", "publish", str(REPO / "src/Cli"), "-c", "Release", "-r", rid, "--self-contained", "false",
                            "-p:PublishReadyToRun=true", "-o", str(published)], check=True, stdout=subprocess.DEVNULL)
        else:
            published = built

        def convert(cli, name, source, *extra, env=None):
            out = scratch / f"out-{name}"
            shutil.rmtree(out, ignore_errors=True)
            wall, cpu, p = timed(["dotnet", str(cli / "cepstra.dll"), "convert", str(source), "--out", str(out),
                                  "--workers", str(args.workers), "--backend", args.backend, "--quiet", "--json", *extra],
                                 env=env)
            if env is not None:
                sys.stderr.write(p.stderr.decode())
            if p.returncode not in (0, 1):
                sys.exit(f"convert {name} failed: {p.stderr.decode()}")
            s = json.loads(p.stdout)
            return wall, cpu, s

        # fma-mini ×10 (400 files, hard links): start-up costs amortised as in a real archive.
        many = scratch / "fma-x10"
        many.mkdir()
        for r in range(10):
            for f in mp3s:
                link_or_copy(f, many / f"r{r}-{f.name}")
        many_mp3s = sorted(many.iterdir())
        one = scratch / "one-wav"
        one.mkdir()
        link_or_copy(sorted(gtzan.glob("genres/*/*.wav"))[0], one / "one.wav")

        def decode(files, batched):
            cmd, listing = decode_script(files, args.workers, batched)
            wall, cpu, p = timed(cmd, input=listing)
            if p.returncode != 0:
                sys.exit(f"ffmpeg baseline failed: {p.stderr.decode()}")
            return wall, cpu, None

        workloads = {
            "fma-mini: ffmpeg per file (decode only)": lambda: decode(mp3s, False),
            "fma-mini: ffmpeg batched, 8 files per process (decode only)": lambda: decode(mp3s, True),
            "fma-mini → Parquet, `cepstra convert` (dotnet build)": lambda: convert(built, "fma-b", fma, "--layout", "fma"),
            "fma-mini → Parquet, `cepstra convert --decoder ffmpeg` (dotnet build)": lambda: convert(built, "fma-bf", fma, "--layout", "fma", "--decoder", "ffmpeg"),
            "fma-mini → Parquet, `cepstra convert` (published ReadyToRun)": lambda: convert(published, "fma-p", fma, "--layout", "fma"),
            "fma-mini ×10: ffmpeg per file (decode only)": lambda: decode(many_mp3s, False),
            "fma-mini ×10: ffmpeg batched, 8 files per process (decode only)": lambda: decode(many_mp3s, True),
            "fma-mini ×10 → Parquet, `cepstra convert` (dotnet build)": lambda: convert(built, "fma10-b", many, "--layout", "plain"),
            "fma-mini ×10 → Parquet, `cepstra convert --decoder ffmpeg` (dotnet build)": lambda: convert(built, "fma10-bf", many, "--layout", "plain", "--decoder", "ffmpeg"),
            "one gtzan-mini WAV → Parquet, start-up (dotnet build)": lambda: convert(built, "one-b", one, "--layout", "plain"),
            "gtzan-mini → Parquet (dotnet build)": lambda: convert(built, "gtzan-b", gtzan),
            "gtzan-mini → Parquet (published ReadyToRun)": lambda: convert(published, "gtzan-p", gtzan),
            "gtzan-mini → Parquet + mfcc, log_mel frame tables (published ReadyToRun)": lambda: convert(published, "gtzan-f", gtzan, "--frames", "mfcc,log_mel"),
        }
        if args.no_publish:
            workloads = {k: v for k, v in workloads.items() if "ReadyToRun" not in k}
        results = {k: [] for k in workloads}
        for _ in range(args.rounds):
            for name, run in workloads.items():
                results[name].append(run())

        now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        cpu_name = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
        load = os.getloadavg()
        print(f"Machine: {cpu_name}, {os.cpu_count()} cores visible, {platform.platform()}; {now}; "
              f"workers={args.workers}, backend={args.backend}, {args.rounds} interleaved rounds; load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        print()
        print("| workload | wall, median (min–max) | CPU user+sys, median | peak RSS | rows |")
        print("|---|---:|---:|---:|---:|")
        med = {}
        for name, runs in results.items():
            walls = [w for w, _, _ in runs]
            cpus = [c for _, c, _ in runs]
            med[name] = statistics.median(walls)
            s = runs[-1][2]
            rss = f"{s['peak_rss_bytes'] / 2**20:.0f} MiB" if s else ""
            rows = f"{s['rows']}" if s else ""
            print(f"| {name} | {statistics.median(walls):.2f} s ({min(walls):.2f}–{max(walls):.2f}) | {statistics.median(cpus):.2f} s | {rss} | {rows} |")
        print()
        cpu_med = {name: statistics.median([c for _, c, _ in runs]) for name, runs in results.items()}
        for data, files, variants in (("fma-mini", len(mp3s), ("dotnet build", "published ReadyToRun")), ("fma-mini ×10", len(many_mp3s), ("dotnet build",))):
            per_file = med[f"{data}: ffmpeg per file (decode only)"]
            batched = med[f"{data}: ffmpeg batched, 8 files per process (decode only)"]
            for variant in variants:
                for decoder in ("", " --decoder ffmpeg"):
                    key = f"{data} → Parquet, `cepstra convert{decoder}` ({variant})"
                    if key not in med:
                        continue
                    e2e = med[key]
                    print(f"- {data} end to end, `convert{decoder}` ({variant}) / ffmpeg per file: **{e2e / per_file:.2f}×**; "
                          f"/ the batched ffmpeg decode alone: **{e2e / batched:.2f}×**; CPU per file {1000 * cpu_med[key] / files:.0f} ms")
        print()
        if args.phases:
            # The phase lines go to stderr (ConversionTimeline): wall since process start, process CPU, thread, phase.
            print("Phases of one gtzan-mini run (`CEPSTRA_TIMING=1`, dotnet build) are on stderr.")
            print()
            convert(built, "gtzan-phases", gtzan, env={**os.environ, "CEPSTRA_TIMING": "1"})
        if args.no_rss:
            return

        # Peak RSS must not grow with the number of files.
        clips = sorted(gtzan.glob("genres/*/*.wav"))
        print("| files (hard links to gtzan-mini clips, plain layout) | wall | peak RSS |")
        print("|---:|---:|---:|")
        for n in (20, 100, 300, 900):
            links = scratch / f"links-{n}"
            links.mkdir()
            for i in range(n):
                link_or_copy(clips[i % len(clips)], links / f"r{i // len(clips)}-{clips[i % len(clips)].name}")
            wall, _, s = convert(published, f"links-{n}", links, "--layout", "plain")
            print(f"| {n} | {wall:.2f} s | {s['peak_rss_bytes'] / 2**20:.0f} MiB |")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
