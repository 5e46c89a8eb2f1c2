"""Speed of policy-miner's extraction against plain jieba, on the same text in one run.

A rate in characters per second means little on its own (it depends on the machine), so this
script times four things over the same documents in the same process and reports each one
also as a ratio to two jieba baselines; ratios survive a change of machine far better.

    (a) jieba.lcut           segmentation alone, the floor any jieba-based pipeline stands on
    (b) jieba.posseg.lcut    segmentation + POS tags, what policy-miner's tokenizer runs
    (c) Extractor.extract    the whole per-document extraction (spaCy doc, quantities, metadata)
    (d) run_corpus           (c) plus reading and decoding files and writing the outputs

Within each repetition the four run one after another (a, b, c, d, a, b, c, d, ...) so that
machine noise (other processes, frequency scaling) falls on all of them alike; the median of
the repetitions is reported, with min and max to show how noisy the run was. Nothing here
asserts a speed: this is a measuring tool, not a test.

Run:  .venv/bin/python bench/bench_extract.py [--corpus DIR] [--repeat N] [--json]
"""
from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jieba
import jieba.posseg

from policy_miner.corpus import iter_corpus
from policy_miner.pipeline import Extractor
from policy_miner.run import run_corpus
from policy_miner.tools import default_classifier

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpora"
LCUT = "jieba.lcut"
POSSEG = "jieba.posseg.lcut"
EXTRACT = "Extractor.extract"
RUN_CORPUS = "run_corpus"


@dataclass
class Result:
    """The rates (characters per second) of one measured function, one per repetition."""

    name: str
    rates: list[float]

    @property
    def median(self) -> float:
        """The typical rate: unlike the mean, one disturbed repetition does not move it."""
        return statistics.median(self.rates)


def load_documents(corpus: Path) -> list[tuple[str, str]]:
    """``(doc_id, text)`` of every document run_corpus would process in ``corpus``.

    Read through policy-miner's own corpus reader, so (a)-(c) see exactly the decoded texts
    that (d) reads from disk and the character counts of all four agree.
    """
    return [(source.doc_id, source.text) for source in iter_corpus([corpus])
            if source.status == "processed" and source.text is not None]


def build_cases(corpus: Path, documents: list[tuple[str, str]], out_dir: Path) -> list[tuple[str, Callable[[], None]]]:
    """The four measured functions, each processing every document once.

    Everything slow to set up (jieba's dictionary, the spaCy pipeline, the tool classifier that
    trains on first use) is built here, before any timing, because a benchmark of per-text
    speed should not time one-off loading.
    """
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tagger = jieba.posseg.POSTokenizer(tokenizer)
    extractor = Extractor()
    default_classifier()
    texts = [text for _, text in documents]

    def lcut() -> None:
        for text in texts:
            tokenizer.lcut(text)

    def posseg() -> None:
        for text in texts:
            tagger.lcut(text)

    def extract() -> None:
        for doc_id, text in documents:
            extractor.extract(text, doc_id)

    def corpus_run() -> None:
        report = run_corpus([corpus], out_dir, extractor)
        # A rate over documents that were not all processed would be silently wrong.
        if report.count("processed") != len(documents) or report.failed:
            raise RuntimeError(f"run_corpus did not process the {len(documents)} documents: {report.summary()}")

    return [(LCUT, lcut), (POSSEG, posseg), (EXTRACT, extract), (RUN_CORPUS, corpus_run)]


def measure(cases: list[tuple[str, Callable[[], None]]], chars: int, repeat: int) -> list[Result]:
    """Time the cases interleaved, ``repeat`` times, after one untimed warm-up round.

    The warm-up fills policy-miner's lazily loaded lexicons and jieba's lazy tables, which
    would otherwise inflate the first repetition only. A garbage collection before each timed
    call keeps one function's garbage from being collected on the next one's clock.
    """
    for _, function in cases:
        function()
    results = [Result(name, []) for name, _ in cases]
    for _ in range(repeat):
        for result, (_, function) in zip(results, cases):
            gc.collect()
            began = time.perf_counter()
            function()
            result.rates.append(chars / (time.perf_counter() - began))
    return results


def to_json(results: list[Result], corpus: Path, documents: int, chars: int, repeat: int) -> dict[str, Any]:
    """Everything the table shows, plus every repetition's rate, for scripts to compare runs."""
    medians = {r.name: r.median for r in results}
    lcut, posseg = medians[LCUT], medians[POSSEG]
    return {
        "corpus": str(corpus), "documents": documents, "characters": chars, "repeat": repeat,
        "unit": "characters per second",
        "results": [{"name": r.name, "median": r.median, "min": min(r.rates), "max": max(r.rates),
                     "ratio_to_lcut": r.median / lcut, "ratio_to_posseg": r.median / posseg,
                     "rates": r.rates} for r in results],
    }


def format_table(report: dict[str, Any]) -> str:
    """A fixed-width table of the medians and ratios, under a line saying what was measured."""
    lines = [f"corpus {report['corpus']}: documents: {report['documents']}, characters: {report['characters']}, "
             f"repetitions: {report['repeat']} (interleaved); rates in characters/s",
             f"{'name':<20} {'median':>12} {'min':>12} {'max':>12} {'/lcut':>8} {'/posseg':>8}"]
    for row in report["results"]:
        lines.append(f"{row['name']:<20} {row['median']:>12,.0f} {row['min']:>12,.0f} {row['max']:>12,.0f} "
                     f"{row['ratio_to_lcut']:>8.3f} {row['ratio_to_posseg']:>8.3f}")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; ``argv`` is taken as given so tests can call ``main`` directly."""
    parser = argparse.ArgumentParser(description="Characters per second of policy-miner's extraction "
                                                 "against jieba.lcut and jieba.posseg.lcut, in one run.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help=f"folder of documents (default: {DEFAULT_CORPUS})")
    parser.add_argument("--repeat", type=int, default=5, help="timed repetitions over the corpus (default: 5)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table (or JSON) to stdout; 2 when the corpus has no document."""
    args = parse_args(argv)
    documents = load_documents(args.corpus)
    if not documents:
        print(f"no readable document in {args.corpus}", file=sys.stderr)
        return 2
    chars = sum(len(text) for _, text in documents)
    # Outputs go outside the corpus, so a later repetition never reads an earlier one's files.
    with tempfile.TemporaryDirectory(prefix="bench_extract_") as out_dir:
        results = measure(build_cases(args.corpus, documents, Path(out_dir)), chars, args.repeat)
    report = to_json(results, args.corpus, len(documents), chars, args.repeat)
    print(json.dumps(report, indent=1) if args.json else format_table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
