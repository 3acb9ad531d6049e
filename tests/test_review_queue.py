"""A review queue staff can finish: every fact not yet reviewed stays in it through rebuilds and
uploads (the queue was "new in this build": one upload dropped about a hundred unreviewed facts);
on the page, by article, with real filters, "confirm the rest of this article", and the overview
counting what is left."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import auth, queries
from pipeline.ledger import corrections, users
from docfixtures import DEADLINE
from e2e_helpers import AS_OF, make_fixture_db
from pipeline.build import run_build

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
PASSWORD = "复核队列-2026-pw"
spec = importlib.util.spec_from_file_location("upload_page", ROOT / "dashboard" / "views" / "upload.py")
upload = importlib.util.module_from_spec(spec)
spec.loader.exec_module(upload)


def queued(db: Path) -> set[str]:
    articles = queries.review_articles(db, limit=100_000)
    return set(queries.review_items(db, articles["group_id"])["id"])


def test_an_upload_leaves_every_unreviewed_fact_in_the_queue(input_copy, tmp_path):
    db = tmp_path / "tracker.duckdb"
    run_build(input_copy, db, full=True)
    before = queued(db)
    facts = {i for i in before if not i.startswith(corrections.CANDIDATE_PREFIX)}
    assert len(facts) == queries.build_info(db)["facts"]  # every fact: none is reviewed yet
    reviewed = sorted(facts)[0]
    corrections.confirm(corrections.store_path(db), reviewed, queries.fact(db, reviewed), "张三")

    path, _ = upload.store_upload(input_copy, "新通知.txt", ("关于报送材料的通知\n" + DEADLINE + "\n").encode("utf-8"))
    result = upload.build(input_copy, db)
    assert result.returncode == 0, result.stderr
    after = queued(db)
    assert before - {reviewed} <= after  # not one unreviewed fact dropped
    added = path.relative_to(input_copy.resolve()).as_posix()
    assert queries.file_fact_count(db, added) and {f for f in after - before if not f.startswith("candidate:")}
    assert queries.review_count(db) == len(after)

    run_build(input_copy, db, full=True)  # and a full rebuild keeps them all too
    assert queued(db) == after


def staff_review_page(db: Path) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state["as_of"] = AS_OF
    at.switch_page("views/review.py").run()
    at.text_input(key="staff_sign_in_name").set_value("张三")
    at.text_input(key="staff_sign_in_password").set_value(PASSWORD)
    next(b for b in at.button if b.label == "登录").click().run()
    assert not at.exception, at.exception
    return at


def test_the_page_groups_by_article_filters_and_confirms_the_rest(tmp_path, monkeypatch):
    db = make_fixture_db(tmp_path / "tracker.duckdb")
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.delenv(auth.ENV_VAR, raising=False)
    users.add(corrections.store_path(db), "张三", PASSWORD)
    at = staff_review_page(db)
    articles = [e.label for e in at.expander if not e.label.startswith("筛选")]
    assert len(articles) == 3 and at.radio(key="review_section").options[0] == "待复核（10）"
    assert "还有 10 项未复核，分属 3 篇文章" in " ".join(c.value for c in at.caption)

    at.multiselect(key="queue_kind").set_value(["deadline"]).run()  # a real filter
    assert not at.exception, at.exception
    assert {link.split("fact=")[1].split("#")[0] for t in at.dataframe for link in t.value["出处"]} == \
        {"f-0530", "f-yearly", "f-0430", "f-0525", "f-0801"}
    at.multiselect(key="queue_kind").set_value([]).run()

    first = [e.label for e in at.expander if not e.label.startswith("筛选")][0]
    confirm = next(b for b in at.button if b.label.startswith("读过全文，确认其余"))
    n = int(confirm.label.removeprefix("读过全文，确认其余 ").split(" ")[0])
    confirm.click().run()
    assert not at.exception, at.exception
    assert any(f"已确认 {n} 条事实" in s.value for s in at.success)
    assert first not in [e.label for e in at.expander]
    assert queries.review_count(db) == 10 - n
    at.switch_page("views/overview.py").run()
    assert any(link.label == f"待复核 {10 - n} 项" for link in at.get("page_link"))  # what is left
