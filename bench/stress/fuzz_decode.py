#!/usr/bin/env python3
"""Bulk fuzz of the in-process decoder (libsndfile + libsoxr) through the shipped CLI.

Makes mutants of WAV, AU, AIFF, MP3, FLAC and Ogg Vorbis/Opus seeds (cut at many lengths; seeded byte
flips, random bytes, 0x00/0xFF runs and lying size words in header and body), puts them in one folder and
converts it with `cepstra convert --decoder sndfile`, the way a bulk run meets them. It asserts:

  * no crash: the process exits 0 or 1 (1 = some files failed, each listed with its reason); a native crash
    would kill it (signal), in which case the folder is bisected down to the file that kills it;
  * no hang: the run ends within --timeout seconds (and every file within --file-timeout, which convert
    enforces per file);
  * bounded memory: peak RSS (from convert's own summary) below --max-rss-mib.

Usage (from the repository root): python3 bench/stress/fuzz_decode.py [--per-seed 300] [--seed 1]
Needs: the .NET SDK, ffmpeg (to make the seeds), libsndfile1, libsoxr0. Prints a Markdown summary.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def make_seeds(d):
    """Small, valid files of every format libsndfile reads, made by ffmpeg from one synthetic signal."""
    src = d / "src.wav"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "sine=frequency=440:sample_rate=44100:duration=0.5", "-f", "lavfi", "-i",
                    "anoisesrc=r=44100:d=0.5:a=0.1:seed=7", "-filter_complex", "amerge=inputs=2", "-c:a", "pcm_s16le", str(src)], check=True)
    seeds = {"wav": src}
    for ext, codec in (("au", ["-c:a", "pcm_s16be"]), ("aiff", ["-c:a", "pcm_s16be"]), ("mp3", ["-c:a", "libmp3lame", "-b:a", "64k"]),
                       ("flac", ["-c:a", "flac"]), ("ogg", ["-c:a", "libvorbis"]), ("opus", ["-c:a", "libopus", "-ar", "48000"])):
        out = d / f"seed.{ext}"
        r = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(src), *codec, str(out)])
        if r.returncode == 0:
            seeds[ext] = out
    return {k: v.read_bytes() for k, v in seeds.items()}


def mutants(seed, n, rng):
    """Cuts at every length up to 128 bytes, then evenly; then n seeded mutations."""
    for k in range(1, min(128, len(seed))):
        yield f"cut{k}", seed[:k]
    for k in range(1, 64):
        cut = len(seed) * k // 64
        yield f"cut{cut}", seed[:cut]
    for k in range(n):
        m = bytearray(seed)
        for _ in range(1 + rng.randrange(12)):
            at = rng.randrange(min(96, len(m))) if rng.random() < 0.6 else rng.randrange(len(m))
            op = rng.randrange(5)
            if op == 0:
                m[at] ^= 1 << rng.randrange(8)
            elif op == 1:
                m[at] = rng.randrange(256)
            elif op == 2:
                m[at:at + 4] = b"\xff" * len(m[at:at + 4])
            elif op == 3:
                m[at:at + 4] = b"\x00" * len(m[at:at + 4])
            else:
                # A size or count word blown up: the classic lying header.
                m[at:at + 4] = rng.choice([b"\x7f\xff\xff\xff", b"\xff\xff\xff\x7f", b"\x00\x00\x01\x00"])[:len(m[at:at + 4])]
        if rng.random() < 0.2:
            m = m[:rng.randrange(1, len(m) + 1)]
        yield f"mut{k}", bytes(m)


def convert(cli, folder, out, args):
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    try:
        p = subprocess.run(["dotnet", str(cli / "cepstra.dll"), "convert", str(folder), "--layout", "plain", "--out", str(out),
                            "--decoder", "sndfile", "--file-timeout", str(args.file_timeout), "--workers", "2", "--quiet", "--json"],
                           capture_output=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - start, "hang"
    return p, time.perf_counter() - start, None


def bisect(cli, files, scratch, args):
    """The smallest set of files (halving) whose conversion still dies."""
    while len(files) > 1:
        half = files[:len(files) // 2]
        d = scratch / f"bisect-{len(half)}"
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
        for f in half:
            shutil.copy(f, d / f.name)
        p, _, hang = convert(cli, d, scratch / "bisect-out", args)
        files = half if (hang or p.returncode not in (0, 1)) else files[len(files) // 2:]
    return files[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-seed", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--file-timeout", type=float, default=20)
    ap.add_argument("--max-rss-mib", type=float, default=1024)
    args = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="cepstra-fuzz-"))
    try:
        cli = scratch / "cli"
        subprocess.run(["dotnet", "build", str(REPO / "src/Cli"), "-c", "Release", "-o", str(cli)], check=True, stdout=subprocess.DEVNULL)
        seeds = make_seeds(scratch)
        rng = random.Random(args.seed)
        folder = scratch / "mutants"
        folder.mkdir()
        counts = {}
        for ext, seed in seeds.items():
            for label, data in mutants(seed, args.per_seed, rng):
                (folder / f"{ext}-{label}.{ext}").write_bytes(data)
                counts[ext] = counts.get(ext, 0) + 1
        total = sum(counts.values())
        p, wall, hang = convert(cli, folder, scratch / "out", args)
        ok = True
        print(f"Fuzz run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, seed {args.seed}: {total} mutants "
              f"({', '.join(f'{k} {v}' for k, v in counts.items())}), `cepstra convert --decoder sndfile`, load average {os.getloadavg()[0]:.1f}")
        print()
        if hang:
            print(f"- **HANG**: the run did not end within {args.timeout} s")
            ok = False
        elif p.returncode not in (0, 1):
            print(f"- **CRASH**: exit code {p.returncode}; stderr tail: {p.stderr.decode(errors='replace')[-2000:]}")
            culprit = bisect(cli, sorted(folder.iterdir()), scratch, args)
            keep = REPO / "bench" / "stress" / ("crash-" + culprit.name)
            shutil.copy(culprit, keep)
            print(f"- the file that kills it: {culprit.name} (copied to {keep})")
            ok = False
        else:
            s = json.loads(p.stdout)
            rss = s["peak_rss_bytes"] / 2 ** 20
            print(f"- exit code {p.returncode}, wall {wall:.1f} s; discovered {s['discovered_inputs']} "
                  f"of {total}; converted {s['converted']}, failed with a reason {s['failed']}, "
                  f"flagged truncated {s.get('truncated', 'n/a')}; peak RSS {rss:.0f} MiB")
            if s["converted"] + s["failed"] != s["discovered_inputs"]:
                print(f"- **MISSING**: {s['discovered_inputs'] - s['converted'] - s['failed']} files neither converted nor reported")
                ok = False
            if rss > args.max_rss_mib:
                print(f"- **MEMORY**: peak RSS {rss:.0f} MiB > {args.max_rss_mib} MiB")
                ok = False
        print(f"- verdict: {'no crash, hang or unbounded memory' if ok else 'FAILED'}")
        sys.exit(0 if ok else 1)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
