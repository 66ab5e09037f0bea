"""Train the victim scorer of ``nlp/salience.py`` and measure it by k-fold cross-validation.

    python train/victim_scorer.py --cv 5            # cross-validation only (make eval-cv)
    python train/victim_scorer.py --write           # train on every article, write the weights

The scorer ranks the names an incident article may be about when no role rule names its victim.
Its examples are the candidates of every annotated incident article (``../shared/corpus/dev`` and
``eval/holdout*``): a candidate is positive when its name matches a gold victim, as
``../shared/eval/score.py`` matches names. A logistic regression (scikit-learn, a dev dependency)
learns the weights; they are written as JSON beside the component, which reads them with a dot
product, so nothing but the JSON is needed at run time.

Cross-validation is by article (all candidates of an article in one fold), and scores the one
decision the scorer takes: on incident articles without a role victim, the victim it picks,
against the hand score it replaces, with the same name matching as the scorer of the project.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path

from sklearn.linear_model import LogisticRegression

from incident_extract.clean import clean
from incident_extract.nlp.pipeline import load_pipeline
from incident_extract.nlp.salience import MIN_SCORE, SCORER_FILE, candidates
from incident_extract.records import article_doc
from incident_extract.sources import read_inputs

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SETS = [SHARED / "corpus" / "dev", *sorted((ROOT / "eval").glob("holdout*"))]
OUTPUT = ROOT / "src" / "incident_extract" / "nlp" / SCORER_FILE
THRESHOLD = 0.5


def load_scorer_module():
    """``names_match`` of the evaluation script, so that training and scoring agree on names."""
    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def examples() -> list[dict]:
    """One entry per annotated incident article: its candidates, features, labels, role victims."""
    names_match = load_scorer_module().names_match
    nlp = load_pipeline()
    articles = []
    for corpus in SETS:
        raws = list(read_inputs([corpus / "articles"]))
        cleaned = [clean(raw) for raw in raws]
        for article, doc in zip(cleaned, nlp.pipe(article_doc(nlp, a) for a in cleaned), strict=True):
            gold_path = corpus / "gold" / f"{Path(article.path).stem}.json"
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            if not gold.get("is_incident"):
                continue
            gold_names = [[v["name"], *(v.get("aliases") or [])] for v in gold.get("victims") or []]
            attacks = [s for s in doc.spans["ie_terms"] if s.label_ == "attack_types"]
            found = [c for c in candidates(doc, attacks) if c.eligible]
            names = [c.span._.ie_value or c.span.text for c in found]
            articles.append(
                {
                    "id": f"{corpus.name}/{gold_path.stem}",
                    "features": [c.features() for c in found],
                    "hand": [c.hand_score for c in found],
                    "labels": [int(any(names_match(n, g) for g in gold_names)) for n in names],
                    "names": names,
                    "gold": gold_names,
                    "role_victims": any(
                        not (s._.ie_rule or "").startswith("victims.salience")
                        for s in doc.spans["ie_victims"]
                    ),
                }
            )
    return articles


def fit(articles: list[dict]) -> dict:
    rows = [f for a in articles for f in a["features"]]
    labels = [y for a in articles for y in a["labels"]]
    names = sorted(rows[0])
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    model.fit([[row[n] for n in names] for row in rows], labels)
    return {
        "weights": dict(zip(names, (round(float(w), 5) for w in model.coef_[0]), strict=True)),
        "intercept": round(float(model.intercept_[0]), 5),
        "threshold": THRESHOLD,
    }


def pick(article: dict, scorer: dict | None) -> int | None:
    """Index of the chosen candidate: the learned scorer, or the hand score when None."""
    import math

    if not article["features"]:
        return None
    if scorer is None:
        best = max(range(len(article["hand"])), key=lambda i: (article["hand"][i], -i))
        return best if article["hand"][best] >= MIN_SCORE else None
    z = [
        scorer["intercept"] + sum(w * f[n] for n, w in scorer["weights"].items()) for f in article["features"]
    ]
    best = max(range(len(z)), key=lambda i: (z[i], -i))
    return best if 1 / (1 + math.exp(-z[best])) >= scorer["threshold"] else None


def tally(articles: list[dict], scorer: dict | None, only_without_role: bool = True) -> tuple[int, int, int]:
    """tp, fp, fn of the salience victim (on articles without a role victim, or on all)."""
    tp = fp = fn = 0
    for article in articles:
        if only_without_role and article["role_victims"]:
            continue
        chosen = pick(article, scorer)
        hit = chosen is not None and article["labels"][chosen]
        tp += int(bool(hit))
        fp += int(chosen is not None and not hit)
        fn += len(article["gold"]) - int(bool(hit))
    return tp, fp, fn


def f1(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return f"P {p:.3f} R {r:.3f} F1 {2 * p * r / (p + r) if p + r else 0:.3f} (tp {tp} fp {fp} fn {fn})"


def cross_validate(articles: list[dict], folds: int) -> None:
    """Out-of-fold figures of the learned scorer beside the hand score, on the articles where
    salience decides today and, as if no role rule fired, on every incident article."""
    totals = {(name, scope): [0, 0, 0] for name in ("learned", "hand") for scope in (True, False)}
    for k in range(folds):
        test = [a for i, a in enumerate(articles) if i % folds == k]
        scorer = fit([a for i, a in enumerate(articles) if i % folds != k])
        for (name, scope), total in totals.items():
            result = tally(test, scorer if name == "learned" else None, only_without_role=scope)
            for i, value in enumerate(result):
                total[i] += value
    without = sum(1 for a in articles if not a["role_victims"])
    print(f"{len(articles)} incident articles, {without} without a role victim; {folds}-fold by article")
    for (name, scope), total in totals.items():
        where = f"{without} articles without a role victim" if scope else "every incident article"
        print(f"{name:>7} scorer, {where:<40} {f1(*total)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", type=int, default=5, help="folds (0: none)")
    parser.add_argument("--write", action="store_true", help=f"train on all and write {OUTPUT.name}")
    args = parser.parse_args()
    articles = examples()
    if args.cv:
        cross_validate(articles, args.cv)
    if args.write:
        scorer = fit(articles)
        OUTPUT.write_text(json.dumps(scorer, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(ROOT)}: in-sample {f1(*tally(articles, scorer))}")


if __name__ == "__main__":
    main()
