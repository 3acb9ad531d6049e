"""Shared fixtures: the seeds built once per test session into a temporary database."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline.build import run_build

# A page that fails shows visitors a Chinese apology (dashboard/app.py); under test it raises as well,
# so AppTest's exceptions and the browser tests still catch it (the apps the tests start inherit this).
os.environ.setdefault("TRACKER_SHOW_ERRORS", "1")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = ROOT.parent / "shared" / "gold"


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory) -> Path:
    """data/tracker.duckdb as `make run` builds it, in a temp folder."""
    folder = tmp_path_factory.mktemp("seed_db")
    db = folder / "tracker.duckdb"
    run_build(SEEDS, db, full=True)
    return db


@pytest.fixture
def input_copy(tmp_path) -> Path:
    """A writable copy of the seeds, for tests that change the input folder."""
    target = tmp_path / "input"
    shutil.copytree(SEEDS, target)
    return target
