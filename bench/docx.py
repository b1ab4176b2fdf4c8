"""Benchmark the docio renderer and reader against python-docx open+save.

For each corpus document: the median time (ms) to import its .docx, to render
it again from the import (spec_from_import + render_docx), and to have
python-docx merely open and save the same file, measured in the same run.
Prints JSON. Goals: render <= 25 ms, import <= 40 ms.

Usage: python bench/docx.py [--repeat 20]   (CORPUS_DIR overrides the corpus)
"""

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# This file is named docx.py: keep its folder off sys.path so `import docx` finds python-docx.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(REPO))

import docx  # noqa: E402

from workflow.docio import read_docx, render_docx, spec_from_import  # noqa: E402

CORPUS_DIR = Path(os.environ.get("CORPUS_DIR", REPO.parent / "shared" / "corpus"))
GOALS = {"render_ms": 25.0, "import_ms": 40.0}


def median_ms(action, repeat: int) -> float:
    """Median wall time of ``action()`` over ``repeat`` runs, after one warm-up."""
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 3)


def bench_file(path: Path, repeat: int) -> dict:
    """Figures for one .docx: import, render, python-docx open+save, and ratios."""
    data = path.read_bytes()
    spec = spec_from_import(read_docx(data))

    def open_save():
        buffer = io.BytesIO()
        docx.Document(io.BytesIO(data)).save(buffer)

    baseline = median_ms(open_save, repeat)
    imported = median_ms(lambda: read_docx(data), repeat)
    rendered = median_ms(lambda: render_docx(spec), repeat)
    return {
        "document": path.name,
        "import_ms": imported,
        "render_ms": rendered,
        "python_docx_open_save_ms": baseline,
        "import_ratio": round(imported / baseline, 3),
        "render_ratio": round(rendered / baseline, 3),
        "rendered_bytes": len(render_docx(spec)),
    }


def main(argv=None) -> int:
    """Run the benchmark over the corpus and print the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    files = sorted(CORPUS_DIR.glob("*.docx"))
    results = [bench_file(path, args.repeat) for path in files]
    report = {
        "repeat": args.repeat,
        "corpus": str(CORPUS_DIR),
        "goals": GOALS,
        "documents": results,
        "meets_goals": all(r["render_ms"] <= GOALS["render_ms"]
                           and r["import_ms"] <= GOALS["import_ms"] for r in results),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
