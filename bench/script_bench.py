"""Parse + breakdown + review of a generated 100-episode script, next to jieba reading it.

Each side runs in a fresh interpreter (so the cold start of the rule engine and of jieba's
dictionary counts) and is timed inside it; the warm figure repeats our pipeline in the same
process, as the web app runs it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import python_child
from microdrama.script.generate import generate_script

OURS = """
import time
from pathlib import Path
data = Path({path!r}).read_bytes()
start = time.perf_counter()
from microdrama.script import service
analysis = service.analyse(data, filename="bench.txt")
print("SECONDS", time.perf_counter() - start)
start = time.perf_counter()
for _ in range(5):
    service.analyse(data, filename="bench.txt")
print("WARM", (time.perf_counter() - start) / 5)
print("SCENES", len(analysis.script.scenes()), "FINDINGS", len(analysis.findings))
"""

JIEBA = """
import time, logging
from pathlib import Path
text = Path({path!r}).read_text(encoding="utf-8")
start = time.perf_counter()
import jieba
jieba.setLogLevel(logging.ERROR)
words = jieba.lcut(text)
print("SECONDS", time.perf_counter() - start)
"""


def _value(output: str, key: str) -> str:
    return next(line.split(maxsplit=1)[1] for line in output.splitlines() if line.startswith(key))


def main() -> None:
    """Generate the script, then time both sides."""
    text = generate_script(episodes=100, seed=0)
    with tempfile.TemporaryDirectory(prefix="script-bench-") as folder:
        path = Path(folder) / "bench.txt"
        path.write_text(text, encoding="utf-8")
        ours = python_child(OURS.format(path=str(path)))
        reference = python_child(JIEBA.format(path=str(path)))
    chars = sum(1 for ch in text if not ch.isspace())
    print(f"\nScript studio: 100 episodes, {chars:,} characters ({_value(ours.output, 'SCENES')})")
    print(f"  {'':44}{'seconds':>9}{'peak MB':>10}{'ratio':>8}")
    label = "jieba.lcut of the whole text (cold)"
    print(f"  {label:44}{reference.work:>9.3f}{reference.peak_mb:>10.0f}")
    ratio = ours.work / reference.work
    label = "parse + breakdown + review (cold)"
    print(f"  {label:44}{ours.work:>9.3f}{ours.peak_mb:>10.0f}{ratio:>8.2f}")
    warm = float(_value(ours.output, "WARM"))
    print(f"  {'parse + breakdown + review (warm)':44}{warm:>9.3f}")
    print("  target: under 1 s")


if __name__ == "__main__":
    main()
