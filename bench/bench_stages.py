"""Where one document's time goes: each stage of the extraction, as a ratio to ``jieba.lcut``.

``bench_scale.py`` says how fast a whole run is; this says which stage to work on. It builds
the same synthetic documents (the sample corpus's paragraphs recombined, ``bench_scale``'s seed),
then times, per document and summed over all of them:

- ``tokenizer``: ``nlp.make_doc`` (segmentation, tags, the spaCy ``Doc``), of which
  ``segmenter`` is the segmenter alone (timed separately, on the same text);
- each pipeline component (sentences, entities);
- ``metadata``, ``entity_records``, ``quantities``, ``clauses``: the steps of
  ``Extractor.extract`` after the pipeline;
- ``json``: serialising every record as ``run/worker.py`` does.

``jieba.lcut`` over the same texts in the same process is the baseline; each stage is printed in
seconds and as seconds ÷ lcut's seconds, so ``total`` must stay under 2.0 for the whole pipeline
to run at half lcut's speed. Stages are interleaved per document, and two rounds run (the first
untimed, to load lexicons). Nothing is asserted: this is a measuring tool.

Run:  .venv/bin/python bench/bench_stages.py [--docs 1000] [--json]
"""
from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import jieba

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import PARAGRAPHS_PER_DOC, SAMPLES, SEED, paragraphs  # noqa: E402

from policy_miner.extract.metadata import read_metadata, reference_year  # noqa: E402
from policy_miner.extract.names import entity_records  # noqa: E402
from policy_miner.extract.quantities import extract_quantities  # noqa: E402
from policy_miner.run.worker import json_line, worker_extractor  # noqa: E402
from policy_miner.tools.clauses import tool_clauses  # noqa: E402


def synthetic_texts(docs: int) -> list[str]:
    """The texts ``bench_scale.make_corpus`` writes, made in memory."""
    bricks, rng = paragraphs(SAMPLES), random.Random(SEED)
    return ["\n".join(rng.sample(bricks, rng.randint(*PARAGRAPHS_PER_DOC))) + "\n" for _ in range(docs)]


def time_stages(texts: Sequence[str]) -> dict[str, float]:
    """Seconds per stage, summed over ``texts``."""
    nlp = worker_extractor("jieba", None).nlp
    segmenter = nlp.tokenizer.segmenter
    seconds: dict[str, float] = defaultdict(float)
    clock = time.perf_counter
    for i, text in enumerate(texts):
        doc_id = f"d{i}"
        began = clock()
        segmenter(text)
        seconds["segmenter"] += clock() - began
        began = clock()
        doc = nlp.make_doc(text)
        seconds["tokenizer"] += clock() - began
        for name, component in nlp.pipeline:
            began = clock()
            doc = component(doc)
            seconds[name] += clock() - began
        began = clock()
        meta, where = read_metadata(text, doc_id, doc)
        seconds["metadata"] += clock() - began
        began = clock()
        entities = entity_records(doc, doc_id, where)
        seconds["entity_records"] += clock() - began
        began = clock()
        quantities = extract_quantities(doc, doc_id, meta.doc_type, reference_year(meta), entities)
        seconds["quantities"] += clock() - began
        began = clock()
        clauses = tool_clauses(doc, doc_id)
        seconds["clauses"] += clock() - began
        began = clock()
        for record in (meta, *quantities, *entities, *clauses):
            json_line(record)
        seconds["json"] += clock() - began
    return dict(seconds)


def lcut_seconds(texts: Sequence[str]) -> float:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    gc.collect()
    began = time.perf_counter()
    for text in texts:
        tokenizer.lcut(text)
    return time.perf_counter() - began


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Per-stage extraction time against jieba.lcut.")
    parser.add_argument("--docs", type=int, default=1000, help="synthetic documents (default: 1000)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    texts = synthetic_texts(args.docs)
    time_stages(texts)  # untimed round: lexicons, caches
    baseline = lcut_seconds(texts)
    gc.collect()
    stages = time_stages(texts)
    total = sum(value for name, value in stages.items() if name != "segmenter")
    if args.json:
        print(json.dumps({"lcut_seconds": baseline, "stages": stages, "total_seconds": total,
                          "total_ratio_to_lcut": total / baseline}, indent=1))
        return 0
    print(f"{args.docs} documents, {sum(map(len, texts)):,} characters; jieba.lcut {baseline:.2f} s")
    print(f"{'stage':<20} {'s':>7} {'÷ lcut':>7}")
    for name, value in stages.items():
        label = f"  ({name})" if name == "segmenter" else name
        print(f"{label:<20} {value:>7.2f} {value / baseline:>7.2f}")
    print(f"{'total':<20} {total:>7.2f} {total / baseline:>7.2f}   (segmenter is inside tokenizer)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
