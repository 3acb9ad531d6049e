"""First looks (eval/FIRST_LOOK.md): every document of a newly labelled folder gets its row, one with
nothing to find included — there any fact the extractor makes is a false positive."""
import json

from pipeline.evaluate import first_look

NOTICE = "关于开展某项工作的通知\n请各单位于2026年6月30日前报送工作总结。\n"
NOTHING = "关于人才培养的指导意见\n各单位要加强课程建设，完善培养体系。\n"


def _folder(tmp_path, docs: dict[str, str], facts: dict[str, list[dict]]):
    (tmp_path / "docs").mkdir()
    (tmp_path / "gold").mkdir()
    for name, text in docs.items():
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
        stem = name.removesuffix(".txt")
        lines = "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in facts.get(name, []))
        (tmp_path / "gold" / f"{stem}.facts.jsonl").write_text(lines, encoding="utf-8")
    return tmp_path


def test_a_document_with_nothing_to_find_gets_its_row(tmp_path):
    deadline = {"seed": "notice.txt", "line": 2, "kind": "deadline", "quote": "于2026年6月30日前报送工作总结",
                "due": "2026-06-30", "recurrence": None}
    folder = _folder(tmp_path, {"notice.txt": NOTICE, "nothing.txt": NOTHING}, {"notice.txt": [deadline]})
    rows = first_look(folder, {}, "notice")
    assert len(rows) == 2
    nothing, notice = rows  # sorted by name
    assert notice.startswith("| notice.txt | notice | 1 | 1.00/1.00/1.00 (1) |") and "**1.000**" in notice
    assert nothing.startswith("| nothing.txt | notice | 0 |") and "**1.000**" in nothing


def test_a_set_scores_the_false_positives_of_a_document_with_nothing_to_find(tmp_path):
    """evaluate_set (eval/, --gold) counts what a document with an empty facts file gives, as first_look does:
    a pooled score over a new batch is not kinder than its rows."""
    from pipeline.evaluate import evaluate_set

    deadline = {"seed": "notice.txt", "line": 2, "kind": "deadline", "quote": "于2026年6月30日前报送工作总结",
                "due": "2026-06-30", "recurrence": None}
    decoy = "关于某项工作的说明\n请各单位于2026年9月30日前报送评估报告。\n"
    folder = _folder(tmp_path, {"notice.txt": NOTICE, "decoy.txt": decoy}, {"notice.txt": [deadline]})
    result = evaluate_set(folder)
    assert result.by_kind["deadline"].predicted == 2
    assert result.by_kind["deadline"].hit_recall == 1
    assert "decoy.txt" in result.by_document
