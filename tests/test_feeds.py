"""Calendar feeds (pipeline/feeds.py), read back with the icalendar library: one event per dated
deadline goal with its provenance, link and reminders; the fact id as UID, stable across builds, so a
changed date moves the event; recurring rules as RRULEs that expand to the dates the app shows; staff
statuses; one feed per agency; where the build writes them."""
from __future__ import annotations

import datetime as dt

import duckdb
import icalendar
import pytest
from dateutil.rrule import rrulestr
from streamlit.testing.v1 import AppTest

from pipeline.ledger import progress
from pipeline import feeds
from pipeline.build import run_build
from pipeline.recurring import next_rule_date, rrule_of


def read_feed(path) -> dict[str, icalendar.Event]:
    """A feed's events by UID (each UID once)."""
    events = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    by_uid = {str(e["UID"]): e for e in events}
    assert len(by_uid) == len(events)
    return by_uid


def deadline_goals(db) -> dict[str, tuple]:
    """id -> (due_date, recurrence_rule) of every deadline goal, straight from the database."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT id, due_date, recurrence, recurrence_rule FROM snapshot_facts "
                           "WHERE kind = 'deadline'").fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


@pytest.fixture
def built(input_copy, tmp_path):
    """A build of the seeds (its feeds beside the database, as for any database but the project's)."""
    db = tmp_path / "db" / "tracker.duckdb"
    summary = run_build(input_copy, db, full=True)
    assert summary.feeds == db.parent / "calendar"
    return db


def test_the_build_writes_every_dated_deadline(built):
    events = read_feed(built.parent / "calendar" / "all.ics")
    goals = deadline_goals(built)
    dated = {i for i, (due, recurrence, rule) in goals.items() if due or rrule_of(recurrence, rule)}
    assert {uid.removesuffix("@policy-goal-tracker") for uid in events} == dated
    assert len(dated) < len(goals)  # 每年第二季度 and the like have no date to put in a calendar

    (event,) = [e for e in events.values() if "函送工业和信息化部" in e["DESCRIPTION"]]
    fact_id = str(event["UID"]).removesuffix("@policy-goal-tracker")
    assert event.decoded("DTSTART") == dt.date(2026, 5, 30) and event.decoded("DTEND") == dt.date(2026, 5, 31)
    assert "部门：工业和信息化部科技司" in event["DESCRIPTION"] and "000_" in event["DESCRIPTION"]
    assert "进度：待办" in event["DESCRIPTION"] and str(event["SUMMARY"]).startswith("截止：")
    assert event["URL"] == f"http://localhost:8501/documents?fact={fact_id}"
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in event.walk("VALARM"))
    assert triggers == [dt.timedelta(days=-7), dt.timedelta(days=-1)]

    # one feed per agency; a department's deadlines are in its ministry's feed too
    index = feeds.read_index(built.parent / "calendar")
    by_agency = {feed["agency"]: feed for feed in index["feeds"][1:]}
    for agency in ("工业和信息化部科技司", "工业和信息化部"):
        agency_events = read_feed(built.parent / "calendar" / by_agency[agency]["file"])
        assert event["UID"] in agency_events and len(agency_events) == by_agency[agency]["events"]
    assert index["feeds"][0] == {"file": "all.ics", "title": "全部截止事项", "agency": None, "events": len(events)}


@pytest.mark.parametrize("rule_text, expected", [
    ("每年2月底前", [dt.date(2027, 2, 28), dt.date(2028, 2, 29), dt.date(2029, 2, 28)]),
    ("每年5月31日前", [dt.date(2026, 5, 31), dt.date(2027, 5, 31), dt.date(2028, 5, 31)]),
    ("每月5日前", [dt.date(2026, 2, 5), dt.date(2026, 3, 5), dt.date(2026, 4, 5)]),
])
def test_recurring_deadlines_repeat_by_their_rule(built, rule_text, expected):
    events = [e for e in read_feed(built.parent / "calendar" / "all.ics").values()
              if f"周期：{rule_text}" in e["DESCRIPTION"]]
    assert events
    for event in events:
        start = event.decoded("DTSTART")
        dates = rrulestr(event["RRULE"].to_ical().decode(), dtstart=dt.datetime.combine(start, dt.time()))
        after = [d.date() for d in dates.xafter(dt.datetime.combine(expected[0], dt.time()), count=3, inc=True)]
        assert after == expected


def test_uids_are_stable_across_builds_and_a_changed_date_moves_its_event(built, input_copy):
    first = read_feed(built.parent / "calendar" / "all.ics")
    run_build(input_copy, built, full=True)  # everything extracted again
    second = read_feed(built.parent / "calendar" / "all.ics")
    assert first.keys() == second.keys()
    assert all(first[uid].decoded("DTSTART") == second[uid].decoded("DTSTART") for uid in first)

    # the same statement read to another date (as a corrected rule would): same UID, new date, one event
    uid = next(uid for uid, e in second.items() if e.decoded("DTSTART") == dt.date(2026, 5, 30))
    with duckdb.connect(str(built)) as con:
        con.execute("UPDATE facts SET due_date = DATE '2026-06-15' WHERE id = ?",
                    [uid.removesuffix("@policy-goal-tracker")])
    feeds.write_feeds(built)
    moved = read_feed(built.parent / "calendar" / "all.ics")
    assert moved.keys() == second.keys() and moved[uid].decoded("DTSTART") == dt.date(2026, 6, 15)


def test_staff_status_shows_and_submitted_deadlines_are_done(built):
    events = read_feed(built.parent / "calendar" / "all.ics")
    uid = next(uid for uid, e in events.items() if e.decoded("DTSTART") == dt.date(2026, 5, 30))
    fact_id = uid.removesuffix("@policy-goal-tracker")
    progress.record(progress.default_progress_path(built), fact_id, "秘书处", status="已提交")
    feeds.write_feeds(built)
    event = read_feed(built.parent / "calendar" / "all.ics")[uid]
    assert str(event["SUMMARY"]).startswith("【已提交】") and "进度：已提交" in event["DESCRIPTION"]
    assert not event.walk("VALARM")


def test_an_agency_without_deadlines_keeps_an_empty_feed(built):
    folder = built.parent / "calendar"
    gone = folder / feeds.agency_file("国家能源局")
    assert read_feed(gone)
    with duckdb.connect(str(built)) as con:  # as if a rebuild no longer named it
        con.execute("UPDATE facts SET agencies = list_filter(agencies, lambda a: a <> '国家能源局') "
                    "WHERE list_contains(agencies, '国家能源局')")
    feeds.write_feeds(built)
    assert read_feed(gone) == {}  # subscribers see it empty rather than an error
    assert "国家能源局" not in {feed["agency"] for feed in feeds.read_index(folder)["feeds"]}


def test_unchanged_deadlines_leave_the_feeds_alone(built):
    before = (built.parent / "calendar" / "all.ics").stat().st_mtime_ns
    feeds.write_feeds(built)  # same deadlines, statuses, links and code: nothing to write
    assert (built.parent / "calendar" / "all.ics").stat().st_mtime_ns == before


def test_where_feeds_go(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_FEEDS", raising=False)
    assert feeds.feeds_dir(feeds.PROJECT_DB) == feeds.SERVED_DIR  # what the app serves at /app/static/calendar/
    assert feeds.feeds_dir(tmp_path / "x.duckdb") == tmp_path.resolve() / "calendar"
    monkeypatch.setenv("TRACKER_FEEDS", str(tmp_path / "elsewhere"))
    assert feeds.feeds_dir(feeds.PROJECT_DB) == tmp_path / "elsewhere"


@pytest.mark.parametrize("recurrence, rule", [
    ("yearly", "每年5月31日前"), ("yearly", "每年2月底前"), ("yearly", "每年2月29日前"), ("yearly", "每年4月31日前"),
    ("yearly", "每年十二月二十日前"), ("yearly", "every year by May 31"), ("monthly", "每月5日前"),
    ("monthly", "每月29日前"), ("monthly", "每月30日前"), ("monthly", "每月31日前"),
])
def test_rrule_repeats_the_dates_the_app_shows(recurrence, rule):
    """Over three years, every occurrence of the RRULE is the date next_rule_date gives the day after
    the one before: the calendar and the app never disagree."""
    day = next_rule_date(recurrence, rule, dt.date(2026, 1, 1))
    series = rrulestr(icalendar.vRecur(rrule_of(recurrence, rule)).to_ical().decode(),
                      dtstart=dt.datetime.combine(day, dt.time()))
    expansion = [d.date() for d in series.between(dt.datetime(2026, 1, 1), dt.datetime(2029, 1, 1), inc=True)]
    expected = [day]
    while (after := next_rule_date(recurrence, rule, expected[-1] + dt.timedelta(days=1))) < dt.date(2029, 1, 1):
        expected.append(after)
    assert expansion == expected


def test_vague_rules_have_no_rrule():
    assert rrule_of("yearly", "每年第二季度") is None and rrule_of("quarterly", "每季度") is None
    assert rrule_of("monthly", "每月结束后5个工作日内") is None


def test_the_calendar_page_lists_every_feed(built, tmp_path, monkeypatch):
    served = feeds.write_feeds(built, tmp_path / "served")
    monkeypatch.setattr(feeds, "SERVED_DIR", served)
    monkeypatch.setenv("TRACKER_DB", str(built))
    monkeypatch.delenv("TRACKER_APP_URL", raising=False)
    at = AppTest.from_file(str(feeds.ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    at.switch_page("views/calendar.py").run()
    assert not at.exception and not at.warning
    index = feeds.read_index(served)
    base = "http://localhost:8501/app/static/calendar"  # no browser here: the configured address
    assert [c.value for c in at.code] == [f"{base}/all.ics", f"{base}/{index['feeds'][1]['file']}"]
    assert at.selectbox(key="calendar_agency").options == [
        f"{f['agency']}（{f['events']} 项）" for f in index["feeds"][1:]]
    assert "Outlook" in at.markdown[0].value and "钉钉" in at.markdown[0].value
