"""The extractor against the project's own labelled documents (eval/): no document may fall below the
F1 recorded in eval/floors.json, and evaluate matches the shared scorer where ../shared is present."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.evaluate import (EVAL_DIR, PRECISION_FILE, eval_sets, evaluate, evaluate_set, family_precision,
                               load_gold, load_predictions)

FLOORS = json.loads((EVAL_DIR / "floors.json").read_text(encoding="utf-8"))
SHARED_SCORER = Path(__file__).resolve().parents[1].parent / "shared" / "tools" / "score.py"


@pytest.fixture(scope="module")
def results():
    return {folder.name: evaluate_set(folder) for folder in eval_sets()}


def test_every_set_has_a_floor(results):
    assert set(results) == set(FLOORS)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_no_document_below_its_floor(results, name):
    result, floor = results[name], FLOORS[name]
    assert set(result.by_document) == set(floor["documents"])
    below = {doc: (round(score.f1, 3), floor["documents"][doc]) for doc, score in result.by_document.items()
             if score.f1 < floor["documents"][doc] - 1e-9}
    assert not below, f"documents below their floor (now, floor): {below}"
    assert result.overall.f1 >= floor["overall"] - 1e-9
    assert result.by_kind["deadline"].f1 >= floor["deadline"] - 1e-9


def test_scoring_counts_unsure_labels_for_precision_only():
    gold = [{"seed": "a.txt", "line": 1, "kind": "deadline", "due": "2026-05-30"},
            {"seed": "a.txt", "line": 2, "kind": "target", "value": 3, "unit": "万亿元", "unsure": True}]
    predicted = [{"source_file": "dir/a.txt", "line": 1, "kind": "deadline", "due_date": "2026-05-30",
                  "due_precision": "day"},
                 {"source_file": "a.txt", "line": 2, "kind": "target", "value": 30000, "unit": "亿元"},
                 {"source_file": "a.txt", "line": 3, "kind": "milestone", "due_date": "2027-12-31",
                  "due_precision": "year"}]
    result = evaluate(gold, predicted)
    assert (result.overall.gold, result.overall.predicted, result.overall.hit_recall, result.overall.hit_precision) == (1, 3, 1, 2)
    assert result.extras == [("milestone", "a.txt", 3, "2027")]


def test_a_target_found_with_another_date_is_reported():
    """A target matches on its value, as the shared scorer matches it; its date is checked apart, so a
    heading's “十五五” read as 十五 (2001—2005) shows."""
    gold = [{"seed": "a.txt", "line": 4, "kind": "target", "value": 14, "unit": "%", "due": "2030"},
            {"seed": "a.txt", "line": 5, "kind": "target", "value": 5, "unit": "%", "due": "2030"}]
    predicted = [{"source_file": "a.txt", "line": 4, "kind": "target", "value": 14, "unit": "%",
                  "due_date": "2005-12-31", "due_precision": "year"},
                 {"source_file": "a.txt", "line": 5, "kind": "target", "value": 5, "unit": "%",
                  "due_date": "2030-12-31", "due_precision": "year"}]
    result = evaluate(gold, predicted)
    assert result.overall.f1 == 1.0
    assert result.target_dues == (2, 1)
    assert result.wrong_dues == [(("target", "a.txt", 4, 14.0), "2030", ["2005"])]


@pytest.mark.skipif(not SHARED_SCORER.exists(), reason="../shared/tools/score.py is not beside this checkout")
def test_evaluate_matches_the_shared_scorer(tmp_path):
    """Same database, same labels: the project's F1 line equals the shared scorer's."""
    from pipeline.build import run_build

    folder = EVAL_DIR / "devdocs"
    db = tmp_path / "dev.duckdb"
    run_build(folder / "docs", db, full=True)
    gold = load_gold(folder / "gold")
    ours = evaluate(gold, load_predictions(db, {fact["seed"] for fact in gold}))
    out = subprocess.run([sys.executable, str(SHARED_SCORER), "--db", str(db), "--gold", str(folder / "gold")],
                         capture_output=True, text=True, check=True).stdout
    score_line = next(line for line in out.splitlines() if line.startswith("score:"))
    assert score_line.startswith(f"score: f1 {ours.overall.f1:.3f} recall {ours.overall.recall:.3f} "
                                 f"precision {ours.overall.precision:.3f}")


def test_the_review_queues_precision_table_is_measured_now(results):
    """eval/precision.json (each rule family's precision, which orders the review queue) is what the
    extractor scores today: after a rule change, `python -m pipeline evaluate --write-precision`."""
    assert json.loads(PRECISION_FILE.read_text(encoding="utf-8")) == family_precision(results)
