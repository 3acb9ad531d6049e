"""Benchmark corpus: varied copies of the seed bulletins, deterministic from a seed.

The five seeds are too few and too alike to show how the build scales, so each generated bulletin is
a seed's header plus a window of its body (about 50 KB on average, so 1,000 bulletins make about
50 MB), with years shifted, full dates and goal numbers redrawn, and ministries and provinces swapped.
Every fifth file or so is written in GB18030, as some real bulletins are.
Bulletin i depends only on (seed, i), so a 100-bulletin corpus is the first 100 of the 1,000.

    python bench/generate.py --count 1000 --out bench/corpus/n1000
"""
from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
MEAN_BYTES = 53_000
HEADER_LINES = 12  # title, editor, issue date
GB18030_SHARE = 0.2

# Bodies of the same rank that can stand in for each other in a sentence.
MINISTRIES = ["财政部", "教育部", "商务部", "科技部", "生态环境部", "交通运输部", "农业农村部", "自然资源部",
              "水利部", "文化和旅游部"]
NATIONAL_BUREAUS = ["国家数据局", "国家能源局", "国家统计局", "国家知识产权局", "国家林业和草原局", "国家铁路局"]
PROVINCES = ["河北省", "山西省", "辽宁省", "吉林省", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省",
             "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省", "甘肃省"]
AGENCY_GROUPS = [MINISTRIES, NATIONAL_BUREAUS, PROVINCES]
AGENCY_PATTERN = re.compile("|".join(sorted((re.escape(n) for g in AGENCY_GROUPS for n in g), key=len, reverse=True)))

FULL_DATE = re.compile(r"(20\d\d)(\s*年\s*)(\d{1,2})(\s*月\s*)(\d{1,2})(\s*日)")
YEAR = re.compile(r"(?<![\d.])(20[0-4]\d)(?=\s*[年—–\-－~～至])")
GOAL_NUMBER = re.compile(r"(?<![\d.年月])(\d+(?:\.\d+)?)(?=\s*(?:个|家|项|%|％|倍|亿|万|名|所|条|款|类|种|座|台|户))")
DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def seed_texts() -> list[tuple[str, list[str]]]:
    """(name, lines) of every seed, in name order."""
    return [(p.name, p.read_text(encoding="utf-8").splitlines()) for p in sorted(SEEDS_DIR.glob("*.txt"))]


def excerpt(lines: list[str], rng: random.Random) -> list[str]:
    """The header and a contiguous run of body lines worth 0.3 to 1.7 times MEAN_BYTES."""
    budget = int(MEAN_BYTES * rng.uniform(0.3, 1.7))
    body = lines[HEADER_LINES:]
    start = rng.randrange(len(body))
    picked, size = [], 0
    for line in body[start:] + body[:start]:
        if size >= budget:
            break
        picked.append(line)
        size += len(line.encode("utf-8")) + 1
    return lines[:HEADER_LINES] + picked


def vary(text: str, rng: random.Random) -> str:
    """Shift years, redraw full dates' days and goal numbers, swap agencies of the same rank."""
    year_shift = rng.choice([-2, -1, 1, 2, 3])
    swaps = {}
    for group in AGENCY_GROUPS:
        shuffled = group[:]
        rng.shuffle(shuffled)
        swaps.update(zip(group, shuffled))
    scale = rng.uniform(0.5, 2.0)

    def full_date(m: re.Match) -> str:
        month = int(m[3])
        day = rng.randint(1, DAYS_IN_MONTH[month - 1]) if 1 <= month <= 12 else int(m[5])
        return f"{m[1]}{m[2]}{m[3]}{m[4]}{day}{m[6]}"

    def number(m: re.Match) -> str:
        value = float(m[1]) * scale
        return f"{value:.1f}" if "." in m[1] else str(max(1, round(value)))

    text = FULL_DATE.sub(full_date, text)
    text = YEAR.sub(lambda m: str(int(m[1]) + year_shift), text)
    text = GOAL_NUMBER.sub(number, text)
    return AGENCY_PATTERN.sub(lambda m: swaps[m[0]], text)


def bulletin(index: int, seed: int, seeds: list[tuple[str, list[str]]]) -> tuple[str, str]:
    """(text, encoding) of bulletin `index`; the same (index, seed) always gives the same bytes."""
    rng = random.Random(f"{seed}:{index}")
    _, lines = seeds[rng.randrange(len(seeds))]
    text = vary("\n".join(excerpt(lines, rng)) + "\n", rng)
    return text, "gb18030" if rng.random() < GB18030_SHARE else "utf-8"


def generate_corpus(out_dir: Path, count: int, seed: int = 7) -> list[Path]:
    """Write bulletins 0..count-1 into out_dir (replacing earlier ones) and return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("bulletin_*.txt"):
        old.unlink()
    seeds = seed_texts()
    paths = []
    for index in range(count):
        text, encoding = bulletin(index, seed, seeds)
        path = out_dir / f"bulletin_{index:04d}.txt"
        path.write_bytes(text.encode(encoding))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "corpus" / "n1000")
    args = parser.parse_args()
    paths = generate_corpus(args.out, args.count, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} bulletins, {size / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
