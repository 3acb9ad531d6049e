"""Score the extractor against labelled documents kept in eval/, without ../shared.

An evaluation set is a folder with `docs/` (the texts) and `gold/` (`<file>.facts.jsonl` in the label
format of eval/SPEC.md). Facts are matched as the shared scorer (tools/score.py) matches them: one key
per fact, (kind, file, line, due) for deadlines and milestones — 'recurring' for a recurrence, 'from:YYYY'
for a start with no due — and (kind, file, line, value scaled by its unit's magnitude) for targets and
relatives. Labels marked unsure are not required but never count against precision. The headline F1 is
over deadline, target and milestone, as there.
"""
from __future__ import annotations

import collections
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

EVAL_DIR = Path(__file__).resolve().parents[1] / "eval"
KINDS = ("deadline", "target", "milestone", "relative")
SCORED_KINDS = ("deadline", "target", "milestone")
MAGNITUDES = [("万亿", 1e12), ("千亿", 1e11), ("百亿", 1e10), ("亿", 1e8), ("千万", 1e7),
              ("百万", 1e6), ("万", 1e4), ("千", 1e3), ("百", 1e2)]


def scaled(value, unit) -> float | None:
    if value is None:
        return None
    unit = (unit or "").strip()
    factor = next((f for prefix, f in MAGNITUDES if unit.startswith(prefix)), 1.0)
    return round(float(value) * factor, 6)


def _due_text(due_date, precision) -> str | None:
    if due_date is None:
        return None
    text = str(due_date)[:10]
    return text[:4] if precision == "year" else text[:7] if precision in ("month", "quarter") else text


def gold_key(fact: dict) -> tuple | None:
    where = (os.path.basename(fact["seed"]), int(fact["line"]))
    if fact["kind"] in ("target", "relative"):
        value = scaled(fact.get("value"), fact.get("unit"))
        return None if value is None else (fact["kind"],) + where + (value,)
    due = ("recurring" if fact.get("recurrence") else str(fact["due"]) if fact.get("due")
           else "from:" + str(fact["due_from"])[:4] if fact.get("due_from") else None)
    return (fact["kind"],) + where + (due,) if due else None


def predicted_key(fact: dict) -> tuple | None:
    where = (os.path.basename(str(fact["source_file"])), int(fact["line"]))
    if fact["kind"] in ("target", "relative"):
        value = scaled(fact.get("value"), fact.get("unit"))
        return None if value is None else (fact["kind"],) + where + (value,)
    due = _due_text(fact.get("due_date"), fact.get("due_precision"))
    if fact.get("recurrence"):
        due = "recurring"
    if due is None and fact.get("due_from") is not None:
        due = "from:" + str(fact["due_from"])[:4]
    return (fact["kind"],) + where + (due,) if due else None


def load_gold(folder: Path) -> list[dict]:
    facts = []
    for path in sorted(Path(folder).glob("*.facts.jsonl")):
        facts += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return facts


def load_predictions(db: Path, files: set[str], corrected: bool = False) -> list[dict]:
    """The database's facts of these files; `corrected`: as the app shows them, staff corrections applied
    (a document staff reviewed and exported is then scored against what they made of it)."""
    columns = ["source_file", "line", "kind", "due_date", "due_precision", "due_from", "recurrence", "value", "unit",
               "due_basis"]
    query = f"SELECT {', '.join(columns)} FROM facts"
    if corrected:
        from pipeline.ledger.corrections import corrected_database

        with corrected_database(Path(db), []) as con:
            rows = con.execute(query).fetchall()
    else:
        with duckdb.connect(str(db), read_only=True) as con:
            rows = con.execute(query).fetchall()
    facts = [dict(zip(columns, row)) for row in rows]
    return [f for f in facts if os.path.basename(str(f["source_file"])) in files and f["kind"] in KINDS]


@dataclass
class Score:
    gold: int
    predicted: int
    hit_recall: int
    hit_precision: int

    @property
    def recall(self) -> float:
        return self.hit_recall / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.hit_precision / self.predicted if self.predicted else (1.0 if not self.gold else 0.0)

    @property
    def f1(self) -> float:
        r, p = self.recall, self.precision
        return 2 * r * p / (r + p) if r + p else 0.0


@dataclass
class Evaluation:
    by_kind: dict[str, Score]
    overall: Score  # deadline + target + milestone
    by_document: dict[str, Score]
    misses: list[tuple]
    extras: list[tuple]
    dated: Score  # deadlines and milestones with the kind ignored: is the date found on the right line
    by_family: dict[str, tuple[int, int]]  # family (kind/due_basis) -> (facts predicted, of them right)
    target_dues: tuple[int, int]  # required targets found, of them with the labelled due (a target's key has no due)
    wrong_dues: list[tuple]  # (key, labelled due, predicted dues) of those without it


def _score(required: set, optional: set, predicted: set) -> Score:
    return Score(len(required), len(predicted), len(required & predicted), len(predicted & (required | optional)))


def evaluate(gold: list[dict], predicted: list[dict]) -> Evaluation:
    required, optional = set(), set()
    for fact in gold:
        key = gold_key(fact)
        if key is not None:
            (optional if fact.get("unsure") else required).add(key)
    optional -= required
    families: dict[tuple, str] = {}  # a predicted key -> the family of the first fact with it
    dues: dict[tuple, set] = collections.defaultdict(set)  # a predicted target's key -> the dues given it
    for fact in predicted:
        key = predicted_key(fact)
        if key is not None:
            families.setdefault(key, family(fact))
            if fact["kind"] == "target":
                dues[key].add(_due_text(fact.get("due_date"), fact.get("due_precision")))
    # a target matched on its value may still carry a wrong date (a heading's “十五五” read as 十五, 2001—2005)
    labelled_dues = {gold_key(f): (str(f["due"]) if f.get("due") else None) for f in gold
                     if f["kind"] == "target" and not f.get("unsure") and gold_key(f) in dues}
    wrong_dues = sorted((key, due, sorted(map(str, dues[key]))) for key, due in labelled_dues.items()
                        if due not in dues[key])
    predicted_keys = set(families)
    by_family: dict[str, tuple[int, int]] = {}
    for key, name in families.items():
        found, right = by_family.get(name, (0, 0))
        by_family[name] = (found + 1, right + (key in required or key in optional))
    by_kind = {kind: _score({k for k in required if k[0] == kind}, {k for k in optional if k[0] == kind},
                            {k for k in predicted_keys if k[0] == kind}) for kind in KINDS}
    scored = lambda keys: {k for k in keys if k[0] in SCORED_KINDS}  # noqa: E731
    overall = _score(scored(required), scored(optional), scored(predicted_keys))
    blind = lambda keys: {k[1:] for k in keys if k[0] in ("deadline", "milestone")}  # noqa: E731
    dated = _score(blind(required), blind(optional), blind(predicted_keys))
    documents = sorted({os.path.basename(f["seed"]) for f in gold} | {k[1] for k in scored(predicted_keys)})
    by_document = {doc: _score({k for k in scored(required) if k[1] == doc}, {k for k in scored(optional) if k[1] == doc},
                               {k for k in scored(predicted_keys) if k[1] == doc}) for doc in documents}
    return Evaluation(by_kind, overall, by_document, sorted(required - predicted_keys),
                      sorted(predicted_keys - required - optional), dated, dict(sorted(by_family.items())),
                      (len(labelled_dues), len(labelled_dues) - len(wrong_dues)), wrong_dues)


def family(fact: dict) -> str:
    """A rule family, as the review queue weighs doubt: the kind and how the date was found
    (explicit in the clause, or carried from context: a goal paragraph, a plan period)."""
    return f"{fact['kind']}/{fact.get('due_basis') or 'explicit'}"


PRECISION_FILE = EVAL_DIR / "precision.json"


def family_precision(results: dict[str, Evaluation]) -> dict:
    """Each family's precision over every set (facts predicted, of them right): what the review
    queue reads (eval/precision.json) to put the least reliable rules' facts first."""
    pooled: dict[str, list[int]] = {}
    for result in results.values():
        for name, (found, right) in result.by_family.items():
            pooled.setdefault(name, [0, 0])
            pooled[name][0] += found
            pooled[name][1] += right
    return {"sets": sorted(results),
            "families": {name: {"facts": found, "right": right, "precision": round(right / found, 3)}
                         for name, (found, right) in sorted(pooled.items())}}


def eval_sets(root: Path = EVAL_DIR) -> list[Path]:
    """Every folder under root holding docs/ and gold/ (root itself when it is one)."""
    if (root / "gold").is_dir() or any(root.glob("*.facts.jsonl")):
        return [root]
    return sorted(p for p in root.iterdir() if (p / "gold").is_dir() and (p / "docs").is_dir())


def _documents(folder: Path, gold: list[dict]) -> set[str]:
    """The documents a set scores: every file in docs/, so one with nothing to find (an empty facts file)
    scores what the extractor gives for it, and any document gold names."""
    docs = folder / "docs"
    return {os.path.basename(f["seed"]) for f in gold} | (
        {p.name for p in docs.iterdir() if p.is_file()} if docs.is_dir() else set())


def evaluate_set(folder: Path, db: Path | None = None, corrected: bool = False) -> Evaluation:
    """Build folder/docs into a temporary database (or read `db`) and score it against folder/gold."""
    gold_dir = folder / "gold" if (folder / "gold").is_dir() else folder
    gold = load_gold(gold_dir)
    files = _documents(folder, gold)
    if db is not None:
        return evaluate(gold, load_predictions(db, files, corrected))
    from pipeline.build import run_build

    with tempfile.TemporaryDirectory(prefix="tracker-eval-") as tmp:
        path = Path(tmp) / "eval.duckdb"
        run_build(folder / "docs", path, full=True, write_feeds=False)
        return evaluate(gold, load_predictions(path, files))


def report(name: str, result: Evaluation, show_misses: int = 0) -> str:
    lines = [f"== {name}", f"{'kind':<10}{'gold':>6}{'pred':>6}{'hit':>6}{'recall':>8}{'precision':>11}{'f1':>7}"]
    for kind, s in result.by_kind.items():
        lines.append(f"{kind:<10}{s.gold:>6}{s.predicted:>6}{s.hit_recall:>6}{s.recall:>8.3f}{s.precision:>11.3f}{s.f1:>7.3f}")
    o = result.overall
    lines.append(f"dated, deadline/milestone kind ignored: recall {result.dated.recall:.3f}  "
                 f"precision {result.dated.precision:.3f}")
    lines.append(f"score: f1 {o.f1:.3f} recall {o.recall:.3f} precision {o.precision:.3f} (deadline, target, milestone)")
    found, right = result.target_dues
    lines.append(f"targets found with the labelled due: {right} of {found}")
    lines.append("per document (f1, gold, predicted):")
    for doc, s in result.by_document.items():
        lines.append(f"  {s.f1:.3f} {s.gold:>4} {s.predicted:>4}  {doc}")
    for key in result.misses[:show_misses]:
        lines.append(f"MISS  {key}")
    for key in result.extras[:show_misses]:
        lines.append(f"EXTRA {key}")
    for key, due, given in result.wrong_dues[:show_misses]:
        lines.append(f"DUE   {key} labelled {due}, given {', '.join(given)}")
    return "\n".join(lines)


FLOORS = EVAL_DIR / "floors.json"
FIRST_LOOK = EVAL_DIR / "FIRST_LOOK.md"


def raise_floors(results: dict[str, Evaluation], path: Path = FLOORS) -> dict:
    """floors.json after a change: each document's floor raised to its F1 now (never lowered), new
    documents and sets added at their F1 now (rounded down, so the test holds at exactly this F1); a set
    whose documents changed has its totals taken anew."""
    floors = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    down = lambda x: int(x * 1000 + 1e-6) / 1000  # noqa: E731
    for name, result in results.items():
        old = floors.get(name, {"overall": 0.0, "deadline": 0.0, "documents": {}})
        if set(old["documents"]) != set(result.by_document):
            old = dict(old, overall=0.0, deadline=0.0)  # another set of documents: its totals start again
        documents = {doc: max(old["documents"].get(doc, 0.0), down(score.f1)) for doc, score in result.by_document.items()}
        floors[name] = {"overall": max(old["overall"], down(result.overall.f1)),
                        "deadline": max(old["deadline"], down(result.by_kind["deadline"].f1)), "documents": documents}
    path.write_text(json.dumps(floors, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return floors


def _commit() -> str:
    """The extractor's version a first look was taken at: the commit, marked when the tree differs from it."""
    import subprocess

    root = EVAL_DIR.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "pipeline"], cwd=root, capture_output=True,
                               text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def first_look(folder: Path, kinds: dict[str, str], default_kind: str = "") -> list[str]:
    """FIRST_LOOK.md rows for documents nobody tuned for: each scored alone, P/R/F1 per kind, at this commit."""
    gold = load_gold(folder / "gold")
    documents = _documents(folder, gold)
    with tempfile.TemporaryDirectory(prefix="tracker-first-look-") as tmp:
        from pipeline.build import run_build

        path = Path(tmp) / "first.duckdb"
        run_build(folder / "docs", path, full=True, write_feeds=False)
        predicted = load_predictions(path, documents)
    rows, commit = [], _commit()
    for doc in sorted(documents):
        result = evaluate([f for f in gold if os.path.basename(f["seed"]) == doc],
                          [p for p in predicted if os.path.basename(p["source_file"]) == doc])
        cells = []
        for kind in SCORED_KINDS:
            k = result.by_kind[kind]
            cells.append(f"{k.precision:.2f}/{k.recall:.2f}/{k.f1:.2f} ({k.gold})" if k.gold or k.predicted else "–")
        o = result.overall
        rows.append(f"| {doc} | {kinds.get(doc, default_kind)} | {o.gold} | " + " | ".join(cells) + f" | **{o.f1:.3f}** | {commit} |")
    return rows


def main(gold: Path | None, db: Path | None, show_misses: int, corrected: bool = False,
         raise_to_now: bool = False, write_precision: bool = False) -> int:
    sets = eval_sets(gold or EVAL_DIR)
    if not sets:
        print(f"error: no evaluation set (a folder with gold/ and docs/) under {gold or EVAL_DIR}")
        return 2
    totals = collections.Counter()
    results = {}
    for folder in sets:
        result = results[folder.name] = evaluate_set(folder, db, corrected)
        print(report(folder.name, result, show_misses))
        totals.update(gold=result.overall.gold, predicted=result.overall.predicted,
                      hit_recall=result.overall.hit_recall, hit_precision=result.overall.hit_precision)
    if len(sets) > 1:
        print(f"== all sets: f1 {Score(**totals).f1:.3f}")
    if raise_to_now:
        if gold is not None or db is not None:
            print("error: --raise-floors scores all of eval/ from its own docs (no --gold, no --db)")
            return 2
        raise_floors(results)
        print(f"floors raised: {FLOORS}")
    if write_precision:
        table = family_precision(results)
        PRECISION_FILE.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {PRECISION_FILE.name}: " + ", ".join(f"{name} {row['precision']:.3f}"
                                                          for name, row in table["families"].items()))
    return 0


PRECISION_DIR = EVAL_DIR / "precision"
SAMPLE_COLUMNS = ["n", "file", "line", "kind", "due", "value", "unit", "comparator", "quote", "sentence", "verdict", "why"]


def sample_facts(db: Path, kind: str, n: int, seed: int = 42) -> list[dict]:
    """n facts of one kind drawn at random (repeatably) from a build, with their line's text, for a second
    reader to judge against the spec: precision where users' text is, not where the rules were tuned."""
    import random

    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT f.source_file, f.line, f.kind, CAST(f.due_date AS VARCHAR), f.value, f.unit, f.comparator, f.quote,"
            " l.text FROM facts f"
            " LEFT JOIN lines l ON l.doc_id = f.doc_id AND l.line = f.line"
            " WHERE f.kind = ? ORDER BY f.source_file, f.line, f.char_start", [kind]).fetchall()
    picked = random.Random(seed).sample(rows, min(n, len(rows)))
    return [dict(zip(SAMPLE_COLUMNS, [i + 1, *row[:8], (row[8] or "")[:400], "", ""])) for i, row in enumerate(picked)]


def write_sample(rows: list[dict], path: Path) -> None:
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, SAMPLE_COLUMNS, delimiter="\t")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: str(v).replace("\t", " ").replace("\n", " ") if v is not None else "" for k, v in row.items()})


def judged_precision(path: Path) -> tuple[int, int, int]:
    """(facts, judged right, judged unsure) of a judged sample; precision counts unsure as right, as the scorer does."""
    import csv

    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    verdicts = [r["verdict"].strip().lower() for r in rows]
    return len(rows), verdicts.count("yes"), verdicts.count("unsure")
