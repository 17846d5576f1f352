"""Provenance in files: written with the data, read back with it, and the data's SHA-256.

Where it goes (docs/experiments.md, "Provenance"):

| output | provenance | `data_sha256` over |
|---|---|---|
| `.parquet` | key-value metadata `flywheel.provenance` | the table's columns (`frame_sha256`) |
| `.nc` (netCDF) | global attributes `provenance_*` | the table's columns (`frame_sha256`) |
| `.csv` | sidecar `NAME.csv.provenance.json` | the file's bytes |
| `.png` | iTXt chunk `flywheel-provenance` | the decoded pixels |
| folder (`mc --out`) | `provenance.json` in it, with each file's SHA-256 | its `files` map |

Every file is written atomically; a sidecar is written after its data, so a crash between
the two leaves data whose sidecar is missing or does not match: reported, never trusted.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from flywheel.results.provenance import Provenance, ProvenanceError, canonical_json, seal
from flywheel.scenario.files import write_atomic, write_text_atomic

if TYPE_CHECKING:
    import pandas as pd

SIDECAR_SUFFIX = ".provenance.json"
FOLDER_MANIFEST = "provenance.json"
PARQUET_KEY = b"flywheel.provenance"
PNG_KEY = "flywheel-provenance"
NETCDF_PREFIX = "provenance_"
NETCDF_EXTRA = "netcdf"
TABLE_SUFFIXES = (".csv", ".parquet", ".nc")


class MissingExtraError(ValueError):
    """An optional dependency a file format needs is not installed."""


def sidecar_path(path: str | Path) -> Path:
    """`NAME.provenance.json` beside `NAME` (CSV files)."""
    path = Path(path)
    return path.with_name(path.name + SIDECAR_SUFFIX)


def bytes_sha256(data: bytes) -> str:
    """SHA-256 (hex) of bytes."""
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: str | Path) -> str:
    """SHA-256 (hex) of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def frame_sha256(frame: pd.DataFrame) -> str:
    """SHA-256 of a table's content, independent of the file format that carried it: each
    column's name, kind and values (integers as int64, floats as float64, times as int64
    nanoseconds, anything else as JSON text), in column order."""
    digest = hashlib.sha256()
    for name in frame.columns:
        values = frame[name].to_numpy()
        kind = values.dtype.kind
        if kind == "M":
            raw = values.astype("datetime64[ns]").astype(np.int64).tobytes()
        elif kind in "iu":
            raw = values.astype(np.int64).tobytes()
        elif kind in "fb":
            raw = values.astype(np.float64).tobytes()
            kind = "f"
        else:
            raw = json.dumps([None if v is None else str(v) for v in values.tolist()]).encode()
            kind = "O"
        digest.update(canonical_json([str(name), kind, len(values)]).encode())
        digest.update(hashlib.sha256(raw).digest())
    return digest.hexdigest()


def write_table(frame: pd.DataFrame, path: str | Path, provenance: Mapping[str, Any]) -> Provenance:
    """Write `frame` to .csv (plus sidecar), .parquet (metadata) or .nc (attributes),
    atomically, with `provenance` sealed over the data; returns the sealed provenance."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        data = frame.to_csv(index=False).encode("utf-8")
        sealed = seal(provenance, bytes_sha256(data))
        write_atomic(path, lambda handle: handle.write(data), binary=True)
        write_text_atomic(sidecar_path(path), json.dumps(sealed, indent=1) + "\n")
        return sealed
    if suffix == ".parquet":
        return _write_parquet(frame, path, provenance)
    if suffix == ".nc":
        return _write_netcdf(frame, path, provenance)
    raise ValueError(f"{path}: expected a .csv, .parquet or .nc file")


def _write_parquet(frame: pd.DataFrame, path: Path, provenance: Mapping[str, Any]) -> Provenance:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sealed = seal(provenance, frame_sha256(frame))
    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = {**(table.schema.metadata or {}), PARQUET_KEY: json.dumps(sealed).encode()}
    table = table.replace_schema_metadata(metadata)
    write_atomic(path, lambda handle: pq.write_table(table, handle), binary=True)
    return sealed


def require_netcdf() -> None:
    """MissingExtraError (one line: which extra to install) unless xarray and h5netcdf are."""
    import importlib.util

    missing = [name for name in ("xarray", "h5netcdf") if importlib.util.find_spec(name) is None]
    if missing:
        raise MissingExtraError(
            f"netCDF output needs {' and '.join(missing)}: pip install 'flywheel[{NETCDF_EXTRA}]'"
        )


def _index_columns(frame: pd.DataFrame) -> list[str]:
    """The dimensions of a table as netCDF: replication and week, or replication and year."""
    return [name for name in ("replication", "week", "year") if name in frame.columns][:2]


def _write_netcdf(frame: pd.DataFrame, path: Path, provenance: Mapping[str, Any]) -> Provenance:
    require_netcdf()
    import xarray as xr

    sealed = seal(provenance, frame_sha256(frame))
    dataset = xr.Dataset.from_dataframe(frame.set_index(_index_columns(frame)))
    for name, value in sealed.items():  # netCDF attributes hold text and numbers, not null
        text = value if isinstance(value, str) else json.dumps(value)
        dataset.attrs[NETCDF_PREFIX + name] = text
    dataset.attrs[NETCDF_PREFIX + "text_fields"] = json.dumps(
        [name for name, value in sealed.items() if isinstance(value, str)]
    )
    payload = dataset.to_netcdf(engine="h5netcdf")  # bytes, written atomically below
    write_atomic(path, lambda handle: handle.write(bytes(payload)), binary=True)
    return sealed


def read_table(path: str | Path) -> tuple[pd.DataFrame, Provenance | None, str]:
    """(frame, provenance or None, SHA-256 of the data as found) of a .csv, .parquet or .nc."""
    import pandas as pd

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame = pd.read_csv(path)
        sidecar = sidecar_path(path)
        found = read_json(sidecar) if sidecar.is_file() else None
        return frame, found, file_sha256(path)
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        raw = (table.schema.metadata or {}).get(PARQUET_KEY)
        frame = table.to_pandas()
        return frame, _parse_json(raw, path) if raw is not None else None, frame_sha256(frame)
    if suffix == ".nc":
        return _read_netcdf(path)
    raise ValueError(f"{path}: expected a .csv, .parquet or .nc file")


def _read_netcdf(path: Path) -> tuple[pd.DataFrame, Provenance | None, str]:
    require_netcdf()
    import xarray as xr

    with xr.open_dataset(path, engine="h5netcdf") as dataset:
        frame = dataset.to_dataframe().reset_index()
        attrs = dict(dataset.attrs)
    found = None
    if NETCDF_PREFIX + "text_fields" in attrs:
        text_fields = set(json.loads(attrs.pop(NETCDF_PREFIX + "text_fields")))
        found = {}
        for key, value in attrs.items():
            if key.startswith(NETCDF_PREFIX):
                name = key[len(NETCDF_PREFIX) :]
                found[name] = value if name in text_fields else json.loads(value)
    return frame, found, frame_sha256(frame)


def png_pixels_sha256(png: bytes | IO[bytes] | Path) -> str:
    """SHA-256 of a PNG's decoded pixels (mode, size and pixel bytes): unchanged by the
    chunks that carry its provenance."""
    from PIL import Image

    with Image.open(io.BytesIO(png) if isinstance(png, bytes) else png) as image:
        image.load()
        header = f"{image.mode}:{image.size[0]}x{image.size[1]}:".encode()
        return bytes_sha256(header + image.tobytes())


def png_with_provenance(png: bytes, provenance: Mapping[str, Any]) -> tuple[bytes, Provenance]:
    """(the PNG with the sealed provenance in an iTXt chunk, the sealed provenance); the
    pixels are unchanged (re-encoded losslessly), its other text chunks kept."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    sealed = seal(provenance, png_pixels_sha256(png))
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        info = PngInfo()
        for key, value in getattr(image, "text", {}).items():
            if key != PNG_KEY:
                info.add_text(key, value)
        info.add_itxt(PNG_KEY, json.dumps(sealed), zip=True)
        buffer = io.BytesIO()
        image.save(buffer, format="png", pnginfo=info)
    return buffer.getvalue(), sealed


def write_png(
    figure: Any, path: str | Path, provenance: Mapping[str, Any], dpi: int = 110
) -> Provenance:
    """Save a matplotlib figure as PNG atomically, with its provenance in a text chunk."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    data, sealed = png_with_provenance(buffer.getvalue(), provenance)
    write_atomic(path, lambda handle: handle.write(data), binary=True)
    return sealed


def read_png(path: str | Path) -> tuple[Provenance | None, str]:
    """(provenance or None, SHA-256 of the pixels) of a PNG."""
    from PIL import Image

    with Image.open(path) as image:
        image.load()
        raw = getattr(image, "text", {}).get(PNG_KEY)
    return (_parse_json(raw, Path(path)) if raw is not None else None), png_pixels_sha256(
        Path(path)
    )


def folder_files_sha256(folder: Path, names: list[str]) -> tuple[dict[str, str], str]:
    """({file: SHA-256 of its bytes}, SHA-256 of that map) for files of an output folder."""
    files = {name: file_sha256(folder / name) for name in sorted(names)}
    return files, bytes_sha256(canonical_json(files).encode())


def write_folder_provenance(
    folder: str | Path, names: list[str], provenance: Mapping[str, Any]
) -> Provenance:
    """Write `provenance.json` into an output folder, sealed over the listed files."""
    folder = Path(folder)
    files, combined = folder_files_sha256(folder, names)
    sealed = seal({**provenance, "files": files}, combined)
    write_text_atomic(folder / FOLDER_MANIFEST, json.dumps(sealed, indent=1) + "\n")
    return sealed


def read_folder(folder: str | Path) -> tuple[dict[str, pd.DataFrame], Provenance | None, str]:
    """({file: frame} of the parquet files, provenance or None, SHA-256 of the files as found)
    of an output folder (`mc --out`)."""
    import pandas as pd

    folder = Path(folder)
    manifest = folder / FOLDER_MANIFEST
    found = read_json(manifest) if manifest.is_file() else None
    names = sorted(entry.name for entry in folder.glob("*.parquet"))
    if isinstance(found, dict) and isinstance(found.get("files"), dict):
        names = sorted(set(names) | {str(name) for name in found["files"]})
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise ProvenanceError(f"{folder}: inconsistent provenance: file {missing[0]} is missing")
    _files, combined = folder_files_sha256(folder, names)
    frames = {name: pd.read_parquet(folder / name) for name in names if name.endswith(".parquet")}
    return frames, found, combined


def read_json(path: Path) -> Any:
    try:
        return _parse_json(path.read_bytes(), path)
    except OSError as error:
        raise ProvenanceError(f"{path}: cannot read the provenance ({error.strerror})") from None


def _parse_json(raw: bytes | str, path: Path) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ProvenanceError(f"{path}: inconsistent provenance: not valid JSON") from None
