"""Coding clauses with policy tools: TF-IDF over jieba words and character n-grams, plus the
cue lexicon, into a linear model (scikit-learn).

Why this shape: a few hundred labelled clauses are too few for a neural model but plenty for a
linear one; words carry the meaning (补贴, 贴息), character n-grams survive segmentation errors
and unseen compounds (人才安居补贴), and the cue lexicon lets a researcher steer the model with
data (a cue adds a feature for its sub-category, so one new cue word generalises). The model is
trained from the shipped clause set the first time it is needed (about a second) rather than
pickled, so it can never drift from the data or from the scikit-learn version.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import jieba
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from .dataset import LabelledClause, labelled_clauses
from .scheme import cue_words, subcategories

REGULARISATION = 16.0
"""Inverse regularisation strength of the logistic regression, chosen by 5-fold cross-validation
on the training split (never on the held-out split)."""


def jieba_words(text: str) -> list[str]:
    """Words of a clause (jieba's fast mode, no POS: the classifier needs no tags)."""
    return [word for word in jieba.lcut(text) if word.strip()]


def cue_features(text: str) -> list[str]:
    """A feature per cue word found, and one per sub-category those cues point to."""
    found = [(cue, sub) for cue, sub in cue_words().items() if cue in text]
    return [f"cue:{cue}" for cue, _ in found] + [f"tool:{sub}" for _, sub in found]


def _pipeline() -> Pipeline:
    features = FeatureUnion([
        ("words", TfidfVectorizer(analyzer=jieba_words, ngram_range=(1, 1), sublinear_tf=True, min_df=1)),
        ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)),
        ("cues", CountVectorizer(analyzer=cue_features, binary=True)),
    ])
    model = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=5000)
    return Pipeline([("features", features), ("model", model)])


class ToolClassifier:
    """Predicts a clause's sub-category (and so its category) with a confidence."""

    def __init__(self, clauses: Iterable[LabelledClause]):
        clauses = list(clauses)
        self.pipeline = _pipeline().fit([c.text for c in clauses], [c.subcategory for c in clauses])
        self.classes = list(self.pipeline.classes_)

    def predict(self, texts: Sequence[str]) -> list[tuple[str, str, float]]:
        """``(category, subcategory, confidence)`` per text."""
        if not texts:
            return []
        scheme = subcategories()
        probabilities = self.pipeline.predict_proba(list(texts))
        results = []
        for row in probabilities:
            best = int(row.argmax())
            sub = self.classes[best]
            results.append((scheme[sub], sub, round(float(row[best]), 4)))
        return results


@functools.lru_cache(maxsize=1)
def default_classifier() -> ToolClassifier:
    """The classifier trained on the whole shipped clause set (once per process)."""
    return ToolClassifier(labelled_clauses())
