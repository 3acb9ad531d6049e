"""Would a learned decider beat the rules on documents nobody tuned for? (issue 22, part 3)

A logistic regression over the rules' own facts decides which to keep, from features the rules do not
combine: the fact's kind and how it was dated, the article's genre and the part the line is in, cue words
in the sentence (past, forecast, condition, finance, rule, eligibility, action, project, statistics) and the
due year against the issue year. Trained on eval/'s labelled documents (a fact is right when it matches a
required or unsure label) and on the judged precision samples (eval/precision/, yes/no verdicts).

It is judged as the issue asks, never on documents it was trained on:
  python eval/decider_experiment.py                  # leave one document out over eval/, and 5-fold
                                                     # over the judged samples' files
  python eval/decider_experiment.py --first-look DIR # trained on all of eval/, scored on DIR (docs/, gold/)
The rules stay the extractor unless the decider wins at first look; eval/DECIDER.md records each run.
"""
from __future__ import annotations

import argparse
import csv
import os
import re
import statistics
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.build import extract_document  # noqa: E402
from pipeline.evaluate import EVAL_DIR, eval_sets, gold_key, load_gold, predicted_key  # noqa: E402
from pipeline.extract.facts import _FUTURE_STRICT, _PAST, ArticleContext, _sentence_span  # noqa: E402
from pipeline.extract.structure import document_reading  # noqa: E402
from pipeline.read import read_document  # noqa: E402

REALCORPUS = ROOT.parent / "shared" / "realcorpus" / "docs"
SCORED = ("deadline", "target", "milestone")
CUES = {
    "past": _PAST, "future": _FUTURE_STRICT, "forecast": re.compile("预计"),
    "condition": re.compile(r"的[，,](?:给予|可|按|享受|予以)|对于|凡|符合"),
    "finance": re.compile("首付|利率|公积金|贷款|契税|税|补贴|补助|奖励|资金|元"),
    "rule": re.compile("不得|应当|须|必须|禁止|不超过|最高|最长"),
    "eligibility": re.compile("面积|周岁|年满|户籍|缴存|家庭|购房|购买"),
    "action": re.compile("建设|打造|培育|建成|完成|实现|达到|提高|突破|新增|形成|推动|推广"),
    "goal": re.compile(r"目标|力争|到\d{4}年|争取"),
    "project": re.compile("项目|课题|申报|指南|考核指标"),
    "statistic": re.compile("同比|比上年|增长了|累计|以来|去年|过去"),
    "submit": re.compile("报送|提交|上报|申请|函送"),
    "share": re.compile("比例|占比|比重|率"),
}


def document_facts(path: Path, root: Path) -> list[dict]:
    """Each fact the rules make of one document, with its features and its evaluation key."""
    doc = read_document(path, root)
    articles, facts, _, _ = extract_document(doc)
    parts = [(doc.lines[a.start_line - 1:a.end_line], a) for a in articles] or [(doc.lines, None)]
    reading = document_reading(doc.lines, articles[0].issued_on if articles else None)
    contexts = [(lines[0].number, lines[-1].number, ArticleContext(a, lines, reading)) for lines, a in parts if lines]
    rows = []
    for f in facts:
        if f.kind not in SCORED:
            continue
        ctx = next((c for first, last, c in contexts if first <= f.line <= last), contexts[0][2]).at(f.line)
        text = doc.lines[f.line - 1].text
        span = _sentence_span(text, max(0, text.find(f.quote[:6])))
        sentence = text[span.start:span.end]
        before = sentence[:max(0, sentence.find(f.quote[:4]))]
        unit = f.unit or ""
        x = {"bias": 1, f"kind={f.kind}": 1, f"basis={f.due_basis}": 1, f"precision={f.due_precision}": 1,
             f"comparator={f.comparator}": 1, f"genre={ctx.genre}": 1, f"role={ctx.role}": 1,
             f"{f.kind}×role={ctx.role}": 1, f"{f.kind}×genre={ctx.genre}": 1, "plan": int(ctx.is_plan),
             "issued": int(ctx.issued_on is not None),
             "unit=" + ("share" if "%" in unit or "百分点" in unit else "money" if "元" in unit
                        else "none" if not unit else "count"): 1}
        for name, pattern in CUES.items():
            for where, body in (("sentence", sentence), ("quote", f.quote), ("before", before)):
                if pattern.search(body):
                    x[f"{where}:{name}"] = x[f"{f.kind}×{where}:{name}"] = 1
        if f.due_date and ctx.issued_on:
            ahead = f.due_date.year - ctx.issued_on.year
            x["ahead=" + ("<0" if ahead < 0 else "0" if ahead == 0 else "1-2" if ahead <= 2 else "3+")] = 1
        rows.append({"file": path.name, "source": str(path.relative_to(root)), "line": f.line, "kind": f.kind,
                     "quote": f.quote, "x": x, "key": predicted_key({
                         "source_file": path.name, "line": f.line, "kind": f.kind, "due_date": f.due_date,
                         "due_precision": f.due_precision, "due_from": f.due_from, "recurrence": f.recurrence,
                         "value": f.value, "unit": f.unit})})
    return rows


def labelled(folder: Path) -> tuple[list[dict], dict[str, tuple[set, set]]]:
    """A labelled folder's facts, each with y (right or not), and per file its (required, unsure) keys."""
    gold = load_gold(folder / "gold")
    labels: dict[str, tuple[set, set]] = {}
    for g in gold:
        key = gold_key(g)
        if key and g["kind"] in SCORED:
            labels.setdefault(os.path.basename(g["seed"]), (set(), set()))[bool(g.get("unsure"))].add(key)
    rows = []
    for path in sorted((folder / "docs").iterdir()):
        required, unsure = labels.setdefault(path.name, (set(), set()))
        for row in document_facts(path, folder / "docs"):
            row.update(y=int(row["key"] in required or row["key"] in unsure), group=f"{folder.name}/{path.name}")
            rows.append(row)
    return rows, labels


def judged_samples() -> list[dict]:
    """The precision samples' yes/no facts that the rules still make."""
    verdicts = {}
    for tsv in sorted((EVAL_DIR / "precision").rglob("*.tsv")):
        with open(tsv, encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row.get("verdict") in ("yes", "no"):  # some audits drew from a build of realcorpus/, not its docs/
                    source = row["file"].removeprefix("docs/")
                    verdicts[(source, int(row["line"]), row["kind"], row["quote"])] = int(row["verdict"] == "yes")
    rows = []
    for source in sorted({key[0] for key in verdicts}):
        for row in document_facts(REALCORPUS / source, REALCORPUS):
            key = (row["source"], row["line"], row["kind"], row["quote"])
            if key in verdicts:
                row.update(y=verdicts[key], group="judged/" + source)
                rows.append(row)
    return rows


class Decider:
    """L2-regularised logistic regression by gradient descent (numpy; no new dependency for an experiment)."""

    def __init__(self, rows: list[dict], l2: float = 0.3, steps: int = 3000, rate: float = 1.0):
        self.names = {name: i for i, name in enumerate(sorted({k for r in rows for k in r["x"]}))}
        x, y = self.matrix(rows), np.array([r["y"] for r in rows], float)
        self.w = np.zeros(x.shape[1])
        for _ in range(steps):
            p = 1 / (1 + np.exp(-x @ self.w))
            self.w -= rate * (x.T @ (p - y) + l2 * self.w) / len(y)

    def matrix(self, rows: list[dict]) -> np.ndarray:
        m = np.zeros((len(rows), len(self.names)))
        for i, row in enumerate(rows):
            for name, value in row["x"].items():
                if name in self.names:
                    m[i, self.names[name]] = value
        return m

    def keep(self, rows: list[dict], threshold: float) -> list[dict]:
        p = 1 / (1 + np.exp(-self.matrix(rows) @ self.w)) if rows else []
        return [row for row, pp in zip(rows, p) if pp >= threshold]


def f1(labels: tuple[set, set], rows: list[dict]) -> float:
    required, unsure = labels
    keys = {r["key"] for r in rows} - {None}
    precision = len(keys & (required | unsure)) / len(keys) if keys else 1.0
    recall = len(keys & required) / len(required) if required else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-look", type=Path, help="a labelled folder (docs/, gold/) nobody tuned for")
    parser.add_argument("--threshold", type=float, nargs="+", default=[0.5, 0.7])
    args = parser.parse_args()
    train, labels = [], {}
    for folder in eval_sets():
        rows, folder_labels = labelled(folder)
        train += rows
        labels.update({f"{folder.name}/{name}": v for name, v in folder_labels.items()})
    judged = judged_samples()
    print(f"training facts: {len(train)} labelled ({sum(1 - r['y'] for r in train)} wrong), "
          f"{len(judged)} judged ({sum(1 - r['y'] for r in judged)} wrong)")
    if args.first_look:
        rows, test_labels = labelled(args.first_look)
        decider = Decider(train + judged)
        for t in args.threshold:
            rules = [f1(test_labels[n], [r for r in rows if r["file"] == n]) for n in sorted(test_labels)]
            kept = decider.keep(rows, t)
            learned = [f1(test_labels[n], [r for r in kept if r["file"] == n]) for n in sorted(test_labels)]
            for name, a, b in zip(sorted(test_labels), rules, learned):
                print(f"  {name}: rules {a:.3f}  decider {b:.3f}")
            pooled = (tuple(set().union(*(v[i] for v in test_labels.values())) for i in (0, 1)))
            print(f"first look, threshold {t}: median F1 rules {statistics.median(rules):.3f}, "
                  f"decider {statistics.median(learned):.3f}; mean {np.mean(rules):.3f} vs {np.mean(learned):.3f}; "
                  f"pooled {f1(pooled, rows):.3f} vs {f1(pooled, kept):.3f}")
        return
    groups = sorted({r["group"] for r in train})
    for t in args.threshold:
        rules, learned = [], []
        for group in groups:
            test = [r for r in train if r["group"] == group]
            decider = Decider([r for r in train + judged if r["group"] != group])
            rules.append(f1(labels[group], test))
            learned.append(f1(labels[group], decider.keep(test, t)))
        files = sorted({r["group"] for r in judged})
        right = {"rules": {}, "decider": {}}
        for i in range(5):
            held = set(files[i::5])
            test = [r for r in judged if r["group"] in held]
            decider = Decider([r for r in train + judged if r["group"] not in held])
            for name, kept in (("rules", test), ("decider", decider.keep(test, t))):
                for r in kept:
                    n, k = right[name].get(r["kind"], (0, 0))
                    right[name][r["kind"]] = (n + r["y"], k + 1)
        print(f"threshold {t}: leave one document out over {len(groups)} documents: median F1 rules "
              f"{statistics.median(rules):.3f}, decider {statistics.median(learned):.3f}; mean {np.mean(rules):.3f} vs "
              f"{np.mean(learned):.3f}")
        for name in ("rules", "decider"):
            print(f"  judged precision ({name}): " + ", ".join(
                f"{kind} {n}/{k} = {n / k:.2f}" for kind, (n, k) in sorted(right[name].items())))


if __name__ == "__main__":
    main()
