"""The trainable flag classifier: a calibrated logistic regression over candidate features.

Follows scikit-learn's estimator API: parameters in __init__, fit(X, y), predict_proba(X), where X is a list
of feature dicts (flags/features.py). Probabilities are calibrated (Platt scaling on cross-validated scores)
so that a flag's score reads as the probability that a reviewer agrees with it."""
from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression


class FlagClassifier(BaseEstimator, ClassifierMixin):
    def __init__(self, C: float = 1.0, cv: int = 5, class_weight=None):
        self.C = C
        self.cv = cv
        self.class_weight = class_weight

    def fit(self, X: list[dict], y):
        y = np.asarray(y, dtype=int)
        self.vectorizer_ = DictVectorizer()
        Z = self.vectorizer_.fit_transform(X)
        base = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000)
        folds = max(2, min(self.cv, int(np.bincount(y, minlength=2).min())))
        self.model_ = CalibratedClassifierCV(base, method="sigmoid", cv=folds, ensemble=False).fit(Z, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: list[dict]) -> np.ndarray:
        if not X:
            return np.zeros((0, 2))
        return self._fast_proba(self.vectorizer_.transform(X))

    def _fast_proba(self, Z) -> np.ndarray:
        """What CalibratedClassifierCV(method="sigmoid", ensemble=False).predict_proba computes for two classes
        (the calibrator's sigmoid of the logistic regression's decision function), without the per-call input
        checks that cost more than the product on a vacancy's few candidates (tests compare the two)."""
        cal = self.model_.calibrated_classifiers_[0]
        lr, sig = cal.estimator, cal.calibrators[0]
        p = expit(-(sig.a_ * (Z @ lr.coef_[0] + lr.intercept_[0]) + sig.b_))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: list[dict], threshold: float = 0.5) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= threshold).astype(int)

    def top_features(self, n: int = 15) -> list[tuple[str, float]]:
        """The strongest weights of the underlying logistic regression, for the model card."""
        lr = self.model_.calibrated_classifiers_[0].estimator
        names = self.vectorizer_.get_feature_names_out()
        order = np.argsort(-np.abs(lr.coef_[0]))[:n]
        return [(str(names[i]), float(lr.coef_[0][i])) for i in order]
