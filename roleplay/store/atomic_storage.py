"""A tinydb storage that never leaves a half-written file: write a temporary file, fsync, rename."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from tinydb.storages import Storage


class CorruptFile(ValueError):
    """The file exists but is not a valid database."""

    def __init__(self, path: Path, detail: str):
        super().__init__(f"{path}: {detail}")
        self.path = path


class AtomicJSONStorage(Storage):
    """JSON storage whose writes are all-or-nothing, so a kill mid-write keeps the previous version."""

    def __init__(self, path: str | os.PathLike, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only

    def read(self) -> dict | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            raise CorruptFile(self.path, "file is empty")
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CorruptFile(self.path, f"not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise CorruptFile(self.path, "not a tinydb database (top level is not an object)")
        return data

    def write(self, data: dict) -> None:
        if self.read_only:
            raise PermissionError(f"{self.path}: opened read-only")
        write_atomically(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def close(self) -> None:
        pass


def write_atomically(path: Path, payload: bytes) -> None:
    """Replace `path` with `payload` so that readers see either the old or the new file, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
