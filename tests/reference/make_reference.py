"""Regenerate the stored reference outputs (`make reference`).

Run it only for a deliberate change of the model's numbers, and say in the commit why they
moved; `tests/reference/test_reference.py` compares every test run against this file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flywheel.scenario.files import write_atomic  # noqa: E402
from reference import cases  # noqa: E402


def main() -> None:
    arrays = cases.compute()
    write_atomic(cases.STORED, lambda handle: np.savez_compressed(handle, **arrays), binary=True)
    size_kib = cases.STORED.stat().st_size / 1024
    name = cases.STORED.relative_to(cases.REPOSITORY)
    print(f"wrote {name}: {len(arrays)} arrays, {size_kib:.0f} KiB")


if __name__ == "__main__":
    main()
