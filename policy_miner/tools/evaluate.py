"""Scoring the tool classifier on the held-out split: precision, recall and F1 per category
and sub-category, and macro F1 (the figure the regression test holds)."""
from __future__ import annotations

from typing import Any

from sklearn.metrics import precision_recall_fscore_support

from .classifier import ToolClassifier
from .dataset import split
from .scheme import subcategories


def _scores(gold: list[str], predicted: list[str], labels: list[str]) -> dict[str, Any]:
    p, r, f, support = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    per_label = {label: {"precision": round(float(p[i]), 3), "recall": round(float(r[i]), 3),
                         "f1": round(float(f[i]), 3), "support": int(support[i])}
                 for i, label in enumerate(labels)}
    macro = sum(float(x) for x in f) / len(labels)
    return {"macro_f1": round(macro, 3), "labels": per_label}


def evaluate_tools() -> dict[str, Any]:
    """Train on the training split, score on the held-out split (never on training data)."""
    train, held_out = split()
    classifier = ToolClassifier(train)
    predictions = classifier.predict([c.text for c in held_out])
    scheme = subcategories()
    categories = list(dict.fromkeys(scheme.values()))
    accuracy = sum(p[1] == c.subcategory for p, c in zip(predictions, held_out)) / len(held_out)
    return {
        "train": len(train), "held_out": len(held_out), "subcategory_accuracy": round(accuracy, 3),
        "category": _scores([c.category for c in held_out], [p[0] for p in predictions], categories),
        "subcategory": _scores([c.subcategory for c in held_out], [p[1] for p in predictions], list(scheme)),
    }


def format_tool_scores(result: dict[str, Any]) -> str:
    """The scores as a plain table."""
    lines = [f"trained on {result['train']} clauses, scored on {result['held_out']} held-out clauses",
             f"sub-category accuracy {result['subcategory_accuracy']:.3f}"]
    for level in ("category", "subcategory"):
        lines.append(f"\n{level:<22} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}")
        for label, s in result[level]["labels"].items():
            lines.append(f"{label:<22} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} {s['support']:>5}")
        lines.append(f"{'macro F1':<22} {'':>6} {'':>6} {result[level]['macro_f1']:>6.3f}")
    return "\n".join(lines)
