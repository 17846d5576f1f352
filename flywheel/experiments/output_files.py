"""Any output flywheel writes, read back with its provenance; the Monte Carlo folder's writer;
and the comparison `flywheel rerun` reports (identical, or the largest difference)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from flywheel.experiments.store import MANIFEST, ResultsStore
from flywheel.results.provenance import Provenance, ProvenanceError, problems
from flywheel.results.provenance_files import (
    FOLDER_MANIFEST,
    TABLE_SUFFIXES,
    file_sha256,
    frame_sha256,
    read_folder,
    read_json,
    read_png,
    read_table,
    sidecar_path,
    write_folder_provenance,
)
from flywheel.scenario.files import replaced_folder, write_atomic

if TYPE_CHECKING:
    import pandas as pd

    from flywheel.experiments.montecarlo import MonteCarlo

MC_FILES = ("quantiles.parquet", "means.parquet", "series.parquet")


@dataclass(frozen=True)
class Output:
    """An output as found: its tables ({} for a PNG), provenance (None when it has none) and
    the SHA-256 of its data as found, to check against the provenance's."""

    path: Path
    frames: dict[str, pd.DataFrame]
    provenance: Provenance | None
    data_sha256: str

    @property
    def problems(self) -> list[str]:
        """What makes the provenance inconsistent (with itself or the data); empty if none."""
        if self.provenance is None:
            return ["no provenance"]
        return problems(self.provenance, self.data_sha256)


def read_output(path: str | Path) -> Output:
    """Read a .csv, .parquet, .nc or .png output, an `mc --out` folder or a sweep store.

    Raises ValueError (naming the path) for anything else, and ProvenanceError for a
    provenance that cannot be read at all (not JSON)."""
    path = Path(path)
    if path.is_dir():
        if (path / MANIFEST).is_file():
            store = ResultsStore.read(path)
            if not store.is_complete and "provenance" not in store.manifest:
                raise ProvenanceError(
                    f"{path}: no provenance yet: the sweep store is incomplete "
                    f"({len(store.done)} of {store.manifest.get('total_chunks')} chunks; "
                    f"`flywheel sweep ... --resume` completes it)"
                )
            frame = store.frame()
            return Output(
                path, {"store": frame}, store.manifest.get("provenance"), frame_sha256(frame)
            )
        if (path / FOLDER_MANIFEST).is_file() or any(path.glob("*.parquet")):
            frames, found, sha = read_folder(path)
            return Output(path, frames, found, sha)
        raise ValueError(f"{path}: a folder with no {FOLDER_MANIFEST} or {MANIFEST}")
    if not path.is_file():
        raise FileNotFoundError(2, "no such file or folder", str(path))
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        frame, found, sha = read_table(path)
        return Output(path, {"table": frame}, found, sha)
    if suffix == ".png":
        found, sha = read_png(path)
        return Output(path, {}, found, sha)
    if sidecar_path(path).is_file():  # a calibrated scenario's TOML
        return Output(path, {}, read_json(sidecar_path(path)), file_sha256(path))
    raise ValueError(
        f"{path}: expected a .csv, .parquet, .nc or .png file, an mc folder or a sweep store"
    )


def mc_frames(mc: MonteCarlo) -> dict[str, pd.DataFrame]:
    """The files of an `mc --out` folder: quantiles, means (and every series with keep_all)."""
    frames = {"quantiles.parquet": mc.quantiles(), "means.parquet": mc.mean_frame()}
    if mc.results is not None:
        frames["series.parquet"] = mc.results.frame()
    return frames


def write_mc_folder(mc: MonteCarlo, out: str | Path, provenance: Provenance) -> list[str]:
    """Write the Monte Carlo folder whole beside `out`, then swap it in (never old and new
    files mixed), with `provenance.json` over its files; returns the data files' names."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    frames = mc_frames(mc)
    with replaced_folder(out) as folder:
        for name, frame in frames.items():
            write_parquet(frame, folder / name)
        write_folder_provenance(folder, list(frames), provenance)
    return list(frames)


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """One file of an output folder, atomically (the folder's manifest holds provenance)."""
    write_atomic(path, lambda handle: frame.to_parquet(handle, index=False), binary=True)


@dataclass(frozen=True)
class Comparison:
    """How a re-created output compares with the original."""

    identical: bool
    summary: str  # "identical", or the largest difference (where, both values)
    largest_abs: float = 0.0


def compare(original: Output, again: Output) -> Comparison:
    """Identical when every table has the same columns, rows and values (NaN equal to NaN),
    else the largest absolute difference and where it is."""
    if set(original.frames) != set(again.frames):
        missing = sorted(set(original.frames) ^ set(again.frames))
        return Comparison(False, f"differs: files {missing} are in only one of them", np.inf)
    worst = Comparison(True, "identical")
    for name in sorted(original.frames):
        found = _compare_frames(name, original.frames[name], again.frames[name])
        if not found.identical and (worst.identical or found.largest_abs > worst.largest_abs):
            worst = found
    return worst


def _compare_frames(name: str, old: pd.DataFrame, new: pd.DataFrame) -> Comparison:
    if list(old.columns) != list(new.columns) or len(old) != len(new):
        return Comparison(
            False,
            f"differs: {name} has {len(old)} rows x {len(old.columns)} columns, the re-run "
            f"{len(new)} x {len(new.columns)}",
            np.inf,
        )
    worst = Comparison(True, "identical")
    for column in old.columns:
        a, b = old[column].to_numpy(), new[column].to_numpy()
        if a.dtype.kind in "fiub" and b.dtype.kind in "fiub":
            a, b = a.astype(np.float64), b.astype(np.float64)
            same = (a == b) | (np.isnan(a) & np.isnan(b))
            if same.all():
                continue
            gap = np.where(same, 0.0, np.abs(a - b))
            gap = np.where(np.isnan(gap), np.inf, gap)  # a NaN against a number
            row = int(np.argmax(gap))
            size = float(gap[row])
        else:
            # as text: a date read from CSV (text) equals the same date read from Parquet
            a = old[column].astype(str).to_numpy()
            b = new[column].astype(str).to_numpy()
            same = a == b
            if same.all():
                continue
            row, size = int(np.argmin(same)), np.inf
        if worst.identical or size > worst.largest_abs:
            relative = size / max(abs(float(a[row])), 1e-300) if np.isfinite(size) else np.inf
            worst = Comparison(
                False,
                f"differs: largest difference {size:.6g} (relative {relative:.3g}) in {name}, "
                f"column {column}, row {row}: {a[row]!r} then, {b[row]!r} now",
                size,
            )
    return worst


def required(output: Output) -> Provenance:
    """The provenance of an output, if consistent; ProvenanceError (one line) otherwise."""
    found = output.problems
    if output.provenance is None:
        raise ProvenanceError(f"{output.path}: no provenance (nothing says how it was made)")
    if found:
        raise ProvenanceError(f"{output.path}: inconsistent provenance: {found[0]}")
    return output.provenance


def describe_output(output: Output) -> dict[str, Any]:
    """JSON-ready report of an output: path, consistent, problems, provenance."""
    return {
        "path": str(output.path),
        "consistent": not output.problems,
        "problems": output.problems,
        "provenance": output.provenance,
    }
