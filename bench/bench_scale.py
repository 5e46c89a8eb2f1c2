"""Scale benchmark: `policy-miner extract` over a large synthetic corpus with 1 and 2 jobs.

The corpus is made here, not committed: the paragraphs of the sample corpus, shuffled and
recombined into ``--docs`` documents (10,000 by default; a fixed seed, so every run reads
the same text). Every run happens in one invocation of this script, on the same machine and
text, so the numbers can be read against each other:

- ``jieba.lcut`` over all the texts in one process: the baseline.
- `policy-miner extract --jobs J --progress off` as a subprocess, for each J in ``--jobs``.
  For each, the script reports the wall time, documents/s and characters/s, and the peak
  memory of the whole process tree (the parent and its workers, sampled with psutil; PSS,
  so pages the workers share are counted once).
- The same command on a one-document corpus. This measures the start-up cost: loading
  jieba and training the tool classifier in each worker. Steady-state rates leave it out.
- Per core, the steady-state characters/s divided by J, as a ratio to ``jieba.lcut``.
- The speed-up of each J over one job.

Nothing here asserts a speed: this is a measuring tool.

Run:  .venv/bin/python bench/bench_scale.py [--docs 10000] [--jobs 1 2] [--repeat 3] [--json]
"""
from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jieba
import psutil

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "corpora"
SEED = 7
PARAGRAPHS_PER_DOC = (3, 12)
DOCS_PER_FOLDER = 500
SAMPLE_EVERY = 2.0
"""Seconds between memory samples. Reading ``smaps_rollup`` costs about 10 ms of CPU per
worker-sized process; sampled every 0.1 s, a 2-job run lost 40% of a core to its own measuring
and looked slower than it is. Every 2 s costs under 2% of a core, and memory is flat once the
workers have started, so the peak is still seen."""

logging.getLogger("jieba").setLevel(logging.WARNING)  # no "Building prefix dict" chatter


def paragraphs(samples: Path) -> list[str]:
    """Non-empty lines of the sample documents: the bricks of the synthetic corpus."""
    found = []
    for path in sorted(samples.glob("*.txt")):
        found.extend(line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip())
    return found


def make_corpus(root: Path, docs: int, bricks: list[str]) -> list[str]:
    """Write ``docs`` documents of shuffled paragraphs under ``root``; return their texts."""
    rng = random.Random(SEED)
    texts = []
    for n in range(docs):
        text = "\n".join(rng.sample(bricks, rng.randint(*PARAGRAPHS_PER_DOC))) + "\n"
        folder = root / f"part{n // DOCS_PER_FOLDER:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"doc{n:06d}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
    return texts


def lcut_rate(texts: list[str]) -> float:
    """Characters per second of jieba.lcut over ``texts`` (dictionary loaded beforehand)."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.lcut(texts[0])
    began = time.perf_counter()
    for text in texts:
        tokenizer.lcut(text)
    return sum(map(len, texts)) / (time.perf_counter() - began)


def run_extract(corpus: Path, out: Path, jobs: int) -> dict[str, Any]:
    """Run the CLI once; wall seconds, peak RSS of its process tree, and its report summary."""
    command = [sys.executable, "-m", "policy_miner.cli", "extract", str(corpus), "-o", str(out),
               "--jobs", str(jobs), "--progress", "off"]
    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [0]
    watcher = threading.Thread(target=_watch_memory, args=(child.pid, peak), daemon=True)
    watcher.start()
    _, stderr = child.communicate()
    seconds = time.perf_counter() - began
    watcher.join()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {child.returncode}:\n{stderr}")
    summary = json.loads((out / "report.json").read_text(encoding="utf-8"))["summary"]
    shutil.rmtree(out)
    return {"seconds": seconds, "peak_mb": peak[0] / 2**20, "summary": summary}


def _memory(process: psutil.Process) -> int:
    """A process's share of memory: PSS where Linux reports it, else resident size.

    Workers are forked from one server that has imported the pipeline, so they share most
    of their pages; summing resident sizes would count those pages once per worker. PSS
    divides each shared page among the processes that map it, so the sum is the real total.
    It is read from ``smaps_rollup``, which the kernel sums itself: psutil's
    ``memory_full_info`` parses every mapping, costly enough to slow the run it measures.
    """
    try:
        with open(f"/proc/{process.pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return process.memory_info().rss


def _watch_memory(pid: int, peak: list[int]) -> None:
    """Sample the summed memory (``_memory``) of ``pid`` and its descendants until it exits."""
    try:
        parent = psutil.Process(pid)
        while parent.is_running() and parent.status() != psutil.STATUS_ZOMBIE:
            total = 0
            for process in (parent, *parent.children(recursive=True)):
                try:
                    total += _memory(process)
                except psutil.Error:
                    pass
            peak[0] = max(peak[0], total)
            time.sleep(SAMPLE_EVERY)
    except psutil.Error:
        return


def measure(docs: int, jobs: Sequence[int], work: Path, repeat: int = 1) -> dict[str, Any]:
    """Every figure of the table. With ``repeat`` > 1 the whole round (the baseline, then each
    J's start-up and full run) is taken that many times, interleaved, and each figure is the
    median over rounds: a shared machine's neighbours come and go within minutes."""
    bricks = paragraphs(SAMPLES)
    corpus, tiny = work / "corpus", work / "tiny"
    corpus.mkdir()
    tiny.mkdir()
    texts = make_corpus(corpus, docs, bricks)
    make_corpus(tiny, 1, bricks)
    chars = sum(map(len, texts))
    baselines: list[float] = []
    timings: dict[int, list[tuple[float, float]]] = {j: [] for j in jobs}
    peaks: dict[int, float] = dict.fromkeys(jobs, 0.0)
    for _ in range(repeat):
        baselines.append(lcut_rate(texts))
        for j in jobs:
            startup = run_extract(tiny, work / "out", j)["seconds"]
            run = run_extract(corpus, work / "out", j)
            if run["summary"]["processed"] != docs:
                raise RuntimeError(f"--jobs {j} processed {run['summary']['processed']} of {docs} documents")
            timings[j].append((run["seconds"], startup))
            peaks[j] = max(peaks[j], run["peak_mb"])
    baseline = statistics.median(baselines)
    rows = []
    for j in jobs:
        seconds = statistics.median(wall for wall, _ in timings[j])
        startup = statistics.median(start for _, start in timings[j])
        steady = max(seconds - startup, 1e-9)
        rows.append({"jobs": j, "seconds": seconds, "startup_seconds": startup, "peak_mb": peaks[j],
                     "docs_per_s": docs / seconds, "chars_per_s": chars / seconds,
                     "steady_chars_per_s": chars / steady,
                     "per_core_ratio_to_lcut": chars / steady / j / baseline,
                     "rounds": [{"seconds": wall, "startup_seconds": start} for wall, start in timings[j]]})
    one = next((r for r in rows if r["jobs"] == 1), None)
    for row in rows:
        row["speedup"] = one["seconds"] / row["seconds"] if one else None
        row["steady_speedup"] = row["steady_chars_per_s"] / one["steady_chars_per_s"] if one else None
    return {"documents": docs, "characters": chars, "lcut_chars_per_s": baseline, "cores": psutil.cpu_count(),
            "repeat": repeat, "lcut_rounds": baselines, "runs": rows}


def format_table(result: dict[str, Any]) -> str:
    lines = [f"{result['documents']:,} documents, {result['characters']:,} characters; "
             f"jieba.lcut {result['lcut_chars_per_s']:,.0f} characters/s; {result['cores']} cores; "
             f"median of {result['repeat']} round(s)",
             f"{'jobs':>4} {'wall s':>8} {'start s':>8} {'docs/s':>8} {'chars/s':>10} {'steady/s':>10} "
             f"{'/lcut/core':>10} {'speed-up':>8} {'steady x':>8} {'peak MB':>8}"]
    for r in result["runs"]:
        lines.append(f"{r['jobs']:>4} {r['seconds']:>8.1f} {r['startup_seconds']:>8.1f} {r['docs_per_s']:>8.1f} "
                     f"{r['chars_per_s']:>10,.0f} {r['steady_chars_per_s']:>10,.0f} "
                     f"{r['per_core_ratio_to_lcut']:>10.3f} {r['speedup']:>8.2f} {r['steady_speedup']:>8.2f} "
                     f"{r['peak_mb']:>8.0f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="policy-miner extract at scale, 1 vs 2 jobs, against jieba.lcut.")
    parser.add_argument("--docs", type=int, default=10_000, help="synthetic documents (default: 10000)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="job counts to run (default: 1 2)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of every measurement, interleaved; figures are medians (default: 1)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    if args.docs < 1 or min(args.jobs) < 1 or args.repeat < 1:
        parser.error("--docs, --jobs and --repeat must be at least 1")
    with tempfile.TemporaryDirectory(prefix="bench_scale_") as work:
        result = measure(args.docs, args.jobs, Path(work), args.repeat)
    print(json.dumps(result, indent=1) if args.json else format_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
