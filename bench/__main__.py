"""`make bench`: run every benchmark and print side-by-side figures."""

from __future__ import annotations

import sys

from bench import (
    import_bench,
    import_load_bench,
    index_bench,
    load_bench,
    report_bench,
    script_bench,
)


def main() -> None:
    """Run all benchmarks in turn."""
    import_bench.main()
    index_bench.main(large="--small" not in sys.argv)
    report_bench.main()
    script_bench.main()
    load_bench.main()
    import_load_bench.main()


if __name__ == "__main__":
    main()
