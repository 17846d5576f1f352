"""Import hygiene: `import flywheel` stays light, simpy lives in the engine only, no global RNG,
and the import-linter contracts (one-way layers) hold."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "flywheel"
HEAVY = ("streamlit", "matplotlib", "dask", "distributed", "SALib")


def _sources() -> list[Path]:
    """Every Python source of the package, plus app.py when it exists."""
    files = sorted(PACKAGE.rglob("*.py"))
    app = REPO / "app.py"
    return files + ([app] if app.exists() else [])


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, line) of a source, without comment-only lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(n, line) for n, line in enumerate(lines, 1) if not line.lstrip().startswith("#")]


@pytest.mark.parametrize(
    "statement",
    [
        "import flywheel",
        "import flywheel.cli.commands",
        "from flywheel import simulate, load_scenario",
    ],
)
def test_importing_flywheel_loads_no_heavy_library(statement: str) -> None:
    probe = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(json.loads(result.stdout))
    assert "flywheel" in loaded
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert not heavy, heavy


def test_simpy_is_imported_only_by_the_engine() -> None:
    pattern = re.compile(r"^\s*(import\s+simpy\b|from\s+simpy\b)")
    importers = {
        path.relative_to(REPO).as_posix()
        for path in _sources()
        for _, line in _code_lines(path)
        if pattern.search(line)
    }
    assert importers == {"flywheel/engine/clock.py"}


# Any numpy.random attribute that draws numbers or seeds the global state; building a
# Generator from a SeedSequence is allowed (and only in streams.py, checked below).
GLOBAL_RNG = re.compile(
    r"(np|numpy)\.random\.(?!default_rng\b|SeedSequence\b|Generator\b|PCG64\b|BitGenerator\b)"
    r"[a-z_]+\s*\("
    r"|^\s*import\s+random\b|^\s*from\s+random\s+import"
    r"|^\s*from\s+numpy\.random\s+import\s+(?!(default_rng|SeedSequence|Generator)\b)"
    r"|RandomState\s*\("
)


def test_no_global_random_state() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{n}: {line.strip()}"
        for path in _sources()
        for n, line in _code_lines(path)
        if GLOBAL_RNG.search(line)
    ]
    assert not offenders, offenders


def test_the_global_rng_pattern_catches_what_it_should() -> None:
    for bad in (
        "np.random.seed(1)",
        "x = np.random.normal(0, 1)",
        "import random",
        "from random import choice",
        "numpy.random.rand(3)",
        "from numpy.random import normal",
        "np.random.RandomState(4)",
    ):
        assert GLOBAL_RNG.search(bad), bad
    for fine in (
        "np.random.default_rng(seq)",
        "np.random.SeedSequence(1, spawn_key=(0,))",
        "rng.normal(0, 1)",
        "-> np.random.Generator:",
    ):
        assert not GLOBAL_RNG.search(fine), fine


def test_only_streams_builds_a_generator() -> None:
    builders = {
        path.relative_to(REPO).as_posix()
        for path in _sources()
        for _, line in _code_lines(path)
        if re.search(r"default_rng\s*\(", line)
    }
    assert builders <= {"flywheel/engine/streams.py"}, builders


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "layers go one way KEPT" in result.stdout
    assert "only the engine imports simpy KEPT" in result.stdout
    assert "0 broken" in result.stdout
