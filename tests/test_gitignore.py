"""The README's example commands leave no untracked files in the repository root: every file
or folder they write there (`--out NAME` of a `flywheel` command, `results.write("NAME")`,
`write_scenario("NAME", ...)`, and a CSV's provenance sidecar) is in `.gitignore`."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Outputs the README writes on purpose into tracked folders (the shipped figures, scenarios).
TRACKED_FOLDERS = ("docs/", "scenarios/")


def readme_outputs() -> list[str]:
    """The paths the README's example commands and Python examples write."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^\.venv/bin/flywheel .*(?:\n    .*)*", text, flags=re.M)
    found = [m for c in commands for m in re.findall(r"--out ([^\s`]+)", c)]
    found += re.findall(r"(?:results\.write|write_scenario)\(\"([^\"]+)\"", text)
    found += [f"{name}.provenance.json" for name in found if name.endswith(".csv")]
    return [name for name in found if not name.startswith(TRACKED_FOLDERS)]


def test_the_readme_writes_files_the_test_can_see():
    outputs = readme_outputs()
    for expected in ("baseline_annual.csv", "weekly.parquet", "price_war.png", "runs/decide"):
        assert expected in outputs


def test_what_the_readme_examples_write_is_ignored():
    outputs = readme_outputs()
    checked = subprocess.run(
        ["git", "check-ignore", "--no-index", "--verbose", "--non-matching", *outputs],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    not_ignored = [line.split("\t")[-1] for line in checked.stdout.splitlines() if line[:2] == "::"]
    assert checked.returncode in (0, 1), checked.stderr
    assert not_ignored == [], f"add to .gitignore: {not_ignored}"
