"""Scoring the tool classifier, never on its training data: precision, recall and F1 per
category and sub-category, and macro F1 (the figures the regression tests hold).

Two scores, because they answer different questions:

* ``evaluate_tools``: the fixed stratified held-out split BY CLAUSE (``dataset.split``). It is
  stable and cheap, but sentences of one document fall on both sides, so the model is scored on
  documents it has partly seen (their place names, layout and wording). It is optimistic.
* ``evaluate_grouped``: cross-validation grouped BY DOCUMENT (``dataset.grouped_folds``,
  GroupKFold, 5 folds). Every clause is predicted once, by a model trained on the other folds,
  which never saw any sentence of its document; the scores pool those out-of-fold predictions
  over the whole set. This is the honest estimate for a new policy document. ``real`` repeats the
  macro F1s over the clauses from real documents only (the sample corpus and the ``ext_``
  documents), leaving out the written one-sentence clauses.
"""
from __future__ import annotations

import functools
from typing import Any

from sklearn.metrics import precision_recall_fscore_support
from threadpoolctl import threadpool_limits

from .classifier import ToolClassifier
from .dataset import FOLDS, WRITTEN, LabelledClause, grouped_folds, split
from .scheme import subcategories


def _scores(gold: list[str], predicted: list[str], labels: list[str]) -> dict[str, Any]:
    p, r, f, support = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    per_label = {label: {"precision": round(float(p[i]), 3), "recall": round(float(r[i]), 3),
                         "f1": round(float(f[i]), 3), "support": int(support[i])}
                 for i, label in enumerate(labels)}
    macro = sum(float(x) for x in f) / len(labels)
    return {"macro_f1": round(macro, 3), "labels": per_label}


def _score_predictions(clauses: list[LabelledClause], predictions: list[tuple[str, str, float]]) -> dict[str, Any]:
    scheme = subcategories()
    categories = list(dict.fromkeys(scheme.values()))
    accuracy = sum(p[1] == c.subcategory for p, c in zip(predictions, clauses)) / len(clauses)
    return {
        "subcategory_accuracy": round(accuracy, 3),
        "category": _scores([c.category for c in clauses], [p[0] for p in predictions], categories),
        "subcategory": _scores([c.subcategory for c in clauses], [p[1] for p in predictions], list(scheme)),
    }


def _fit_predict(train: list[LabelledClause], test: list[LabelledClause]) -> list[tuple[str, str, float]]:
    # One BLAS/OpenMP thread: the model is small, and on a busy machine the default thread pool
    # makes the logistic regression ten times slower (0.5 s against 6-9 s a fit).
    with threadpool_limits(limits=1):
        return ToolClassifier(train).predict([c.text for c in test])


def evaluate_tools() -> dict[str, Any]:
    """Train on the training split, score on the held-out split (never on training data)."""
    train, held_out = split()
    predictions = _fit_predict(train, held_out)
    return {"train": len(train), "held_out": len(held_out), **_score_predictions(held_out, predictions)}


@functools.lru_cache(maxsize=None)
def _out_of_fold(n_splits: int) -> tuple[tuple[tuple[LabelledClause, tuple[str, str, float], int], ...], ...]:
    """Per fold, ``(clause, prediction, fold)`` for its test clauses (cached: the five fits are
    the expensive part, and the CLI and the tests both ask for them)."""
    folds = []
    for number, (train, test) in enumerate(grouped_folds(n_splits)):
        folds.append(tuple((c, p, number) for c, p in zip(test, _fit_predict(train, test))))
    return tuple(folds)


def evaluate_grouped(n_splits: int = FOLDS) -> dict[str, Any]:
    """Document-grouped cross-validation: pooled out-of-fold scores, the category macro F1 of
    each fold, the documents of each fold, and the macro F1s over real documents only."""
    folds = _out_of_fold(n_splits)
    pooled = [row for fold in folds for row in fold]
    clauses = [c for c, _, _ in pooled]
    predictions = [p for _, p, _ in pooled]
    real = [(c, p) for c, p, _ in pooled if c.source != WRITTEN]
    real_scores = _score_predictions([c for c, _ in real], [p for _, p in real])
    per_fold = []
    for fold in folds:
        scores = _score_predictions([c for c, _, _ in fold], [p for _, p, _ in fold])
        documents = sorted({c.document for c, _, _ in fold if c.source != WRITTEN})
        present = [s for s in scores["subcategory"]["labels"].values() if s["support"]]
        per_fold.append({"clauses": len(fold), "written": sum(c.source == WRITTEN for c, _, _ in fold),
                         "documents": documents, "category_macro_f1": scores["category"]["macro_f1"],
                         # over the sub-categories the fold has (an absent one would count as F1 0)
                         "subcategory_macro_f1": round(sum(s["f1"] for s in present) / len(present), 3)})
    return {
        "folds": n_splits, "clauses": len(clauses), "documents": len({c.document for c in clauses if c.source != WRITTEN}),
        "written": sum(c.source == WRITTEN for c in clauses),
        **_score_predictions(clauses, predictions),
        "real": {"clauses": len(real), "subcategory_accuracy": real_scores["subcategory_accuracy"],
                 "category_macro_f1": real_scores["category"]["macro_f1"],
                 "subcategory_macro_f1": real_scores["subcategory"]["macro_f1"]},
        "per_fold": per_fold,
    }


def _table(result: dict[str, Any]) -> list[str]:
    lines = [f"sub-category accuracy {result['subcategory_accuracy']:.3f}"]
    for level in ("category", "subcategory"):
        lines.append(f"\n{level:<22} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}")
        for label, s in result[level]["labels"].items():
            lines.append(f"{label:<22} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} {s['support']:>5}")
        lines.append(f"{'macro F1':<22} {'':>6} {'':>6} {result[level]['macro_f1']:>6.3f}")
    return lines


def format_tool_scores(result: dict[str, Any]) -> str:
    """The scores as plain tables: the held-out split, then (when ``result`` has a ``grouped``
    entry from ``evaluate_grouped``) the document-grouped cross-validation."""
    lines = [f"HELD-OUT SPLIT (by clause): trained on {result['train']} clauses, "
             f"scored on {result['held_out']} held-out clauses", *_table(result)]
    grouped = result.get("grouped")
    if grouped:
        real = grouped["real"]
        lines += ["", f"GROUPED CROSS-VALIDATION (by document, GroupKFold {grouped['folds']}): "
                  f"{grouped['clauses']} clauses out of fold ({grouped['documents']} documents "
                  f"+ {grouped['written']} written clauses, each its own group)", *_table(grouped),
                  f"\nreal documents only ({real['clauses']} clauses): category macro F1 "
                  f"{real['category_macro_f1']:.3f}, sub-category macro F1 {real['subcategory_macro_f1']:.3f}",
                  "per fold (category / sub-category macro F1):"]
        for number, fold in enumerate(grouped["per_fold"]):
            lines.append(f"  fold {number}: {fold['category_macro_f1']:.3f} / {fold['subcategory_macro_f1']:.3f}  "
                         f"{fold['clauses']} clauses ({fold['written']} written): {', '.join(fold['documents'])}")
    return "\n".join(lines)
