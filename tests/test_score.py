"""The issue's bar, measured by the shared scorer on the shared gold: recall >= 0.95 and
precision >= 0.90 for deadlines, targets and milestones, and 1.00 on deadlines."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import GOLD

SCORER = GOLD.parent / "tools" / "score.py"


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/tools/score.py is not beside this checkout")
def test_shared_gold_bar(seed_db):
    out = subprocess.run([sys.executable, str(SCORER), "--db", str(seed_db), "--gold", str(GOLD)],
                         capture_output=True, text=True, check=True).stdout
    rows = {m.group(1): (float(m.group(2)), float(m.group(3)))
            for m in re.finditer(r"^(deadline|target|milestone)\s+\d+\s+\d+\s+\d+\s+([\d.]+)\s+([\d.]+)", out, re.M)}
    assert set(rows) == {"deadline", "target", "milestone"}, out
    for kind, (recall, precision) in rows.items():
        assert recall >= 0.95 and precision >= 0.90, out
    assert rows["deadline"] == (1.0, 1.0), out
