"""The benchmark corpus must be reproducible, decodable by our reader, and really varied: a corpus of
identical files would make the build look faster (and the incremental rebuild meaningless)."""
import hashlib
import importlib.util
from pathlib import Path

from pipeline.read import decode

GENERATE_PY = Path(__file__).resolve().parent.parent / "bench" / "generate.py"
spec = importlib.util.spec_from_file_location("bench_generate", GENERATE_PY)
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)


def digests(paths):
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def test_same_seed_same_bytes_and_prefix_stable(tmp_path):
    first = generate.generate_corpus(tmp_path / "a", 12, seed=3)
    again = generate.generate_corpus(tmp_path / "b", 12, seed=3)
    shorter = generate.generate_corpus(tmp_path / "c", 5, seed=3)
    other = generate.generate_corpus(tmp_path / "d", 12, seed=4)
    assert digests(first) == digests(again)
    assert digests(shorter) == digests(first)[:5]
    assert set(digests(first)).isdisjoint(digests(other))


def test_bulletins_are_varied_and_decodable(tmp_path):
    paths = generate.generate_corpus(tmp_path, 30, seed=7)
    assert len(set(digests(paths))) == 30
    decoded = [decode(p.read_bytes()) for p in paths]
    encodings = {encoding for _, encoding in decoded}
    assert encodings == {"utf-8", "gb18030"}
    seed_lines = {line for _, lines in generate.seed_texts() for line in lines}
    for text, _ in decoded:
        assert "\ufffd" not in text
        body = [line for line in text.splitlines()[generate.HEADER_LINES:] if line.strip()]
        changed = [line for line in body if line not in seed_lines]
        assert changed, "every bulletin should differ from its seed beyond the header"
    sizes = [p.stat().st_size for p in paths]
    assert min(sizes) < generate.MEAN_BYTES < max(sizes)
