"""`make bench`: run every benchmark and print side-by-side figures."""

from __future__ import annotations

from bench import import_bench


def main() -> None:
    """Run all benchmarks in turn."""
    import_bench.main()


if __name__ == "__main__":
    main()
