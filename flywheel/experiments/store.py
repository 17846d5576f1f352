"""A results store on disk: a directory of parquet chunks plus a JSON manifest.

```
out/
  manifest.json          {"format", "kind", "spec", "fingerprint", "chunks": {"0": {...}}, ...,
                          "provenance": {...} once complete}
  chunk-000000.parquet   rows of chunk 0
  chunk-000001.parquet
```
Every file is written atomically (temporary file in the same folder, fsync, `os.replace`).
A chunk counts as done only once the manifest lists it, and the manifest is rewritten only
after the chunk's file is complete. A run killed at any moment therefore leaves: chunks in the
manifest (complete), possibly one chunk file not yet in the manifest (ignored, rewritten with
the same content on resume), and nothing half-written. `resume` re-runs exactly the chunks the
manifest lacks, so no run is lost and none is counted twice. Only the process that runs the
experiment writes to the store (workers return data), so there is no concurrent writer.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flywheel.scenario.files import is_leftover_temporary, write_atomic, write_text_atomic

if TYPE_CHECKING:
    import pandas as pd

FORMAT = "flywheel-store/1"
MANIFEST = "manifest.json"


class StoreError(ValueError):
    """A store that cannot be used as asked (exists without --resume, or another experiment)."""


def fingerprint(spec: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of an experiment spec."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class ResultsStore:
    """Chunked parquet results of one experiment, resumable."""

    def __init__(self, folder: str | Path, manifest: dict[str, Any]) -> None:
        self.folder = Path(folder)
        self.manifest = manifest

    @classmethod
    def open(
        cls,
        folder: str | Path,
        kind: str,
        spec: dict[str, Any],
        total_chunks: int,
        resume: bool = False,
    ) -> ResultsStore:
        """Create a new store, or (with `resume`) reopen one made by the same experiment."""
        folder = Path(folder)
        path = folder / MANIFEST
        spec = json.loads(json.dumps(spec, default=str))  # dates -> ISO text, tuples -> lists
        expected = fingerprint(spec)
        if path.exists():
            if not resume:
                raise StoreError(
                    f"{folder}: a results store exists already; use --resume to "
                    f"continue it or choose another --out"
                )
            manifest = json.loads(path.read_text(encoding="utf-8"))
            if manifest.get("format") != FORMAT:
                raise StoreError(f"{path}: not a {FORMAT} manifest")
            if manifest.get("fingerprint") != expected:
                raise StoreError(
                    f"{folder}: the store holds a different experiment (scenario, "
                    f"seed, levers or sizes differ); cannot resume it with these"
                )
            return cls(folder, manifest)
        if folder.exists():
            # A run killed before its first manifest landed leaves only the temporary file of
            # that atomic write: nothing was stored, so the folder counts as empty.
            entries = list(folder.iterdir())
            if not all(is_leftover_temporary(entry) for entry in entries):
                raise StoreError(f"{folder}: folder is not empty and has no {MANIFEST}")
            for entry in entries:
                entry.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        manifest = {
            "format": FORMAT,
            "kind": kind,
            "spec": spec,
            "fingerprint": expected,
            "total_chunks": total_chunks,
            "chunks": {},
            "complete": False,
        }
        store = cls(folder, manifest)
        store._save()
        return store

    @classmethod
    def read(cls, folder: str | Path) -> ResultsStore:
        """Open an existing store for reading."""
        path = Path(folder) / MANIFEST
        if not path.is_file():
            raise StoreError(f"{folder}: no {MANIFEST} (not a results store)")
        return cls(folder, json.loads(path.read_text(encoding="utf-8")))

    @property
    def done(self) -> set[int]:
        """Indices of the chunks recorded as complete."""
        return {int(key) for key in self.manifest["chunks"]}

    @property
    def is_complete(self) -> bool:
        """True when every chunk is stored."""
        return len(self.done) == self.manifest["total_chunks"]

    def write_chunk(self, index: int, frame: pd.DataFrame, runs: tuple[int, int]) -> None:
        """Store chunk `index` (its rows, covering runs [start, stop)), then record it."""
        name = f"chunk-{index:06d}.parquet"
        write_atomic(
            self.folder / name, lambda handle: frame.to_parquet(handle, index=False), binary=True
        )
        self.manifest["chunks"][str(index)] = {"file": name, "rows": len(frame), "runs": list(runs)}
        self.manifest["complete"] = self.is_complete
        self._save()

    def frame(self) -> pd.DataFrame:
        """Every stored row, in chunk order (only chunks the manifest lists)."""
        import pandas as pd

        chunks = self.manifest["chunks"]
        parts = [
            pd.read_parquet(self.folder / chunks[key]["file"]) for key in sorted(chunks, key=int)
        ]
        if not parts:
            raise StoreError(f"{self.folder}: no chunk stored yet")
        return pd.concat(parts, ignore_index=True)

    def seal_provenance(self, provenance: dict[str, Any]) -> dict[str, Any]:
        """Record how the complete store was made (`flywheel.results.provenance`), sealed over
        its rows (`frame_sha256` of `frame()`), in the manifest; returns it sealed."""
        from flywheel.results.provenance import seal
        from flywheel.results.provenance_files import frame_sha256

        sealed = seal(provenance, frame_sha256(self.frame()))
        self.manifest["provenance"] = sealed
        self._save()
        return sealed

    def _save(self) -> None:
        write_text_atomic(self.folder / MANIFEST, json.dumps(self.manifest, indent=1))
