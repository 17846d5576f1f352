"""Provenance: how an output was made, and a digest that catches an edited or mismatched one.

A provenance is a plain JSON object (docs/experiments.md, "Provenance"):

- `format`, `kind` (run, mc, sweep, sensitivity, attribution, importance, plot, calibration,
  app), `scenario_name`;
- `scenario_toml`: the fully resolved scenario (after `base`, `drop_events` and `--set`) as
  canonical TOML from the scenario writer, and its `scenario_sha256`;
- `seed`, `replications`, `first_replication`, `outputs` (null: every output) and `settings`
  (what else the kind of result needs to be made again: sweep points, sensitivity method...);
- `versions` (flywheel and key dependencies), `platform` (OS, CPU architecture, Python),
  `git_commit` (when run from a checkout), `created_utc`, `command` (absolute paths reduced
  to file names);
- `data_sha256` of the data written, and `digest`: the SHA-256 of the canonical JSON of every
  other field, so that any edit, or provenance copied beside other data, is detected.

Only the fields `rerun` may use (`RERUN_FIELDS`) ever drive a new run; the command line is a
record, never replayed.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import os
import platform
import subprocess
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

FORMAT = "flywheel-provenance/1"
# Key dependencies whose version can change the numbers or the files (SALib: sensitivity).
DEPENDENCIES = ("numpy", "numba", "scipy", "pandas", "pyarrow", "simpy", "pydantic", "SALib")
# What `flywheel rerun` reads from a provenance (and nothing else): the scenario and these.
RERUN_FIELDS = ("kind", "scenario_toml", "seed", "replications", "first_replication", "outputs")
# Left out of comparisons between an output and its re-creation: they always differ.
UNCOMPARED_FIELDS = ("created_utc", "command", "digest")
REQUIRED_FIELDS = (
    "format",
    "kind",
    "scenario_name",
    "scenario_toml",
    "scenario_sha256",
    "seed",
    "replications",
    "first_replication",
    "outputs",
    "settings",
    "versions",
    "platform",
    "git_commit",
    "created_utc",
    "command",
    "data_sha256",
    "digest",
)
GIT_TIMEOUT_SECONDS = 5

Provenance = dict[str, Any]


class ProvenanceError(ValueError):
    """A provenance that is missing, malformed, or inconsistent with itself or its data."""


_command: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar(
    "flywheel_command", default=None
)


@contextlib.contextmanager
def recorded_command(argv: Sequence[str]) -> Iterator[None]:
    """Within the block, provenance records `argv` as the command line (the CLI's own
    arguments, which `sys.argv` is not when `main(argv)` is called from Python)."""
    token = _command.set(tuple(str(item) for item in argv))
    try:
        yield
    finally:
        _command.reset(token)


def command_line() -> list[str]:
    """The command line being run, absolute paths reduced to their file names (a path says
    where someone's files are, not how the output was made)."""
    import sys

    argv = _command.get()
    return [_reduce_path(item) for item in (argv if argv is not None else sys.argv)]


def _reduce_path(item: str) -> str:
    """`/home/x/a.toml` -> `a.toml`; `--out=/tmp/x.csv` -> `--out=x.csv`; else unchanged."""
    if os.path.isabs(item):
        return Path(item).name
    prefix, sep, value = item.partition("=")
    if sep and os.path.isabs(value):
        return f"{prefix}={Path(value).name}"
    return item


def sha256_text(text: str) -> str:
    """SHA-256 (hex) of text encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_bytes(data: bytes) -> str:
    """SHA-256 (hex) of bytes."""
    return hashlib.sha256(data).hexdigest()


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the text digests are taken over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@functools.cache
def versions() -> dict[str, str]:
    """Installed versions of flywheel, Python and the key dependencies (those installed)."""
    found = {"flywheel": _flywheel_version(), "python": platform.python_version()}
    for name in DEPENDENCIES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found[name] = importlib.metadata.version(name)
    return found


def _flywheel_version() -> str:
    import sys

    package = sys.modules.get("flywheel")  # imported: this module is part of it
    return str(getattr(package, "__version__", "unknown"))


@functools.cache
def platform_fields() -> dict[str, str]:
    """OS, CPU architecture and Python implementation of this machine."""
    return {
        "system": platform.system(),
        "machine": platform.machine(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


@functools.cache
def git_commit() -> str | None:
    """The commit of the checkout flywheel runs from (with `+dirty` when files differ from
    it), or None when flywheel is installed from a package or git is not at hand."""
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=True,
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no", "flywheel"],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}+dirty" if changes else head or None


def describe(
    scenario: Any,
    kind: str,
    *,
    seed: int,
    replications: int,
    first_replication: int = 0,
    outputs: Collection[str] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Provenance:
    """The provenance of an output of `kind` made from `scenario` (a flywheel Scenario), not
    yet sealed: `seal` adds the data's SHA-256 and the digest when the data is written."""
    from flywheel.scenario.writer import canonical_toml

    toml = canonical_toml(scenario)
    return {
        "format": FORMAT,
        "kind": kind,
        "scenario_name": scenario.name,
        "scenario_toml": toml,
        "scenario_sha256": sha256_text(toml),
        "seed": int(seed),
        "replications": int(replications),
        "first_replication": int(first_replication),
        "outputs": None if outputs is None else [str(name) for name in outputs],
        "settings": json.loads(json.dumps(dict(settings or {}), default=str)),
        "versions": dict(versions()),
        "platform": dict(platform_fields()),
        "git_commit": git_commit(),
        "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": command_line(),
    }


def with_fields(provenance: Mapping[str, Any], **changes: Any) -> Provenance:
    """A copy of an unsealed provenance with fields changed (kind, settings...)."""
    fields = {
        key: value for key, value in provenance.items() if key not in ("data_sha256", "digest")
    }
    fields.update(changes)
    return fields


def digest(provenance: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of every field but `digest`."""
    return sha256_text(canonical_json({k: v for k, v in provenance.items() if k != "digest"}))


def seal(provenance: Mapping[str, Any], data_sha256: str) -> Provenance:
    """The provenance with the data's SHA-256 and the digest over every field."""
    sealed = with_fields(provenance, data_sha256=data_sha256)
    sealed["digest"] = digest(sealed)
    return sealed


def problems(provenance: Any, data_sha256: str | None = None) -> list[str]:
    """What is wrong with a sealed provenance (empty when consistent): missing fields, a
    digest or scenario hash that does not match, or data that is not the data it describes
    (`data_sha256`, the SHA-256 of the data as found, when given)."""
    if not isinstance(provenance, dict):
        return ["no provenance (not a JSON object)"]
    if provenance.get("format") != FORMAT:
        return [f"format = {str(provenance.get('format'))!r:.60}, expected {FORMAT!r}"]
    missing = [name for name in REQUIRED_FIELDS if name not in provenance]
    if missing:
        return [f"fields missing: {', '.join(missing)}"]
    found = []
    if provenance["digest"] != digest(provenance):
        found.append("digest does not match the fields (the provenance was edited)")
    toml = provenance["scenario_toml"]
    if not isinstance(toml, str) or sha256_text(toml) != provenance["scenario_sha256"]:
        found.append("scenario_sha256 does not match scenario_toml")
    if data_sha256 is not None and data_sha256 != provenance["data_sha256"]:
        found.append("data_sha256 does not match the data (the data changed or is another's)")
    return found


def check(provenance: Any, data_sha256: str | None, where: str) -> Provenance:
    """The provenance if consistent (with itself and, given its SHA-256, the data), else a
    ProvenanceError naming `where` and the first problem."""
    found = problems(provenance, data_sha256)
    if found:
        raise ProvenanceError(f"{where}: inconsistent provenance: {found[0]}")
    return provenance


def differences(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """Lines naming the versions and platform fields that differ between two provenances
    (e.g. `numpy 1.26.4 -> 2.1.0`); empty when they match."""
    lines = []
    for group in ("versions", "platform"):
        old, new = recorded.get(group) or {}, current.get(group) or {}
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                lines.append(f"{group}: {name} {old.get(name)} -> {new.get(name)}")
    if recorded.get("git_commit") != current.get("git_commit"):
        lines.append(f"git_commit: {recorded.get('git_commit')} -> {current.get('git_commit')}")
    return lines
