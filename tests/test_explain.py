"""The extractor explains itself: every date and quantity span is in `candidates` with a decision, a
rejected one with a documented reason code; `explain` prints them for a line, `audit` groups a folder's."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.build import run_build
from pipeline.evaluate import EVAL_DIR
from pipeline.extract.candidates import REASONS

ROOT = Path(__file__).resolve().parents[1]
DEVDOCS = EVAL_DIR / "devdocs" / "docs"


@pytest.fixture(scope="module")
def devdocs_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("explain") / "dev.duckdb"
    run_build(DEVDOCS, db, full=True)
    with duckdb.connect(str(db), read_only=True) as con:
        yield con


def test_every_rejected_span_has_a_documented_reason(devdocs_db):
    rows = devdocs_db.execute("SELECT decision, reason, count(*) FROM candidates GROUP BY ALL").fetchall()
    assert {decision for decision, _, _ in rows} == {"fact", "context", "rejected"}
    unknown = {reason for decision, reason, _ in rows if decision == "rejected" and reason not in REASONS}
    assert not unknown
    assert sum(n for decision, _, n in rows if decision == "rejected") > 100


def test_candidates_point_at_their_facts_and_quotes(devdocs_db):
    orphans = devdocs_db.execute("""SELECT count(*) FROM candidates c WHERE decision = 'fact'
        AND NOT EXISTS (SELECT 1 FROM facts f WHERE f.id = c.fact_id AND f.kind = c.fact_kind)""").fetchone()[0]
    assert orphans == 0
    wrong_quotes = devdocs_db.execute("""SELECT count(*) FROM candidates c JOIN lines l USING (doc_id, line)
        WHERE substr(l.text, c.char_start + 1, c.char_end - c.char_start) <> c.quote""").fetchone()[0]
    assert wrong_quotes == 0


def test_fines_and_past_statistics_are_rejected_with_their_reason(devdocs_db):
    reasons = dict(devdocs_db.execute("""SELECT quote, reason FROM candidates WHERE decision = 'rejected'
        AND source_file LIKE '42_%' AND line = 141""").fetchall())
    assert reasons and set(reasons.values()) == {"money_rule"}
    past = devdocs_db.execute("""SELECT count(*) FROM candidates WHERE reason = 'past_statistic'
        AND source_file LIKE '62_%'""").fetchone()[0]
    assert past > 0


def _run(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout


def test_explain_prints_each_span_decision():
    out = _run("explain", str(DEVDOCS / "42_samr_medical_device_distribution.txt") + ":141")
    assert "rejected [money_rule]" in out
    out = _run("explain", str(DEVDOCS / "43_cac_auto_data_security_rules.txt") + ":60")
    assert "fact deadline" in out and "yearly" in out


def test_explain_names_a_missing_file():
    result = subprocess.run([sys.executable, "-m", "pipeline", "explain", "no/such/file.txt:3"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 2 and "no/such/file.txt" in result.stderr


def test_audit_groups_factless_lines_by_reason(tmp_path):
    (tmp_path / "a.txt").write_text("关于某事的通知\n对违反规定的，处1万元以上5万元以下罚款。\n2024年全省产值同比增长8%。\n",
                                    encoding="utf-8")
    out = _run("audit", "--input", str(tmp_path), "--top", "5")
    assert "money_rule" in out and "past_statistic" in out and "a.txt:2" in out
