"""A tinydb storage that never leaves a half-written file: write a temporary file, fsync, rename."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from tinydb.storages import Storage


class CorruptFile(ValueError):
    """The file exists but is not a valid database (or cannot be read at all)."""

    def __init__(self, path: Path, detail: str):
        detail = " ".join(str(detail).split())  # one line, whatever the parser said
        super().__init__(f"{path}: {detail}")
        self.path = Path(path)
        self.detail = detail


def encode_json(data) -> bytes:
    """Compact UTF-8 JSON. Text that UTF-8 cannot carry (a lone surrogate) is written as a \\u escape."""
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def read_json_file(path: Path) -> dict | None:
    """The top-level object of a JSON database file; None if the file does not exist; CorruptFile otherwise."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise CorruptFile(path, "is a directory, not a database file") from None
    except OSError as exc:
        raise CorruptFile(path, f"cannot be read ({exc.strerror or exc})") from None
    if not raw.strip():
        raise CorruptFile(path, "file is empty")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CorruptFile(path, f"not UTF-8 text (byte {exc.start}), so not a database") from None
    except json.JSONDecodeError as exc:
        raise CorruptFile(path, f"not valid JSON ({exc.msg}: line {exc.lineno} column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:
        raise CorruptFile(path, f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise CorruptFile(path, "not a tinydb database (top level is not an object)")
    return data


class AtomicJSONStorage(Storage):
    """JSON storage whose writes are all-or-nothing, so a kill mid-write keeps the previous version."""

    def __init__(self, path: str | os.PathLike, read_only: bool = False, tmp_dir: str | os.PathLike | None = None):
        self.path = Path(path)
        self.read_only = read_only
        self.tmp_dir = Path(tmp_dir) if tmp_dir else None

    def read(self) -> dict | None:
        return read_json_file(self.path)

    def write(self, data: dict) -> None:
        if self.read_only:
            raise PermissionError(f"{self.path}: opened read-only")
        write_atomically(self.path, encode_json(data), tmp_dir=self.tmp_dir)

    def close(self) -> None:
        pass


def _fsync_dir(path: Path) -> None:
    dir_fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _write_temporary(path: Path, payload: bytes, tmp_dir: Path | None, sync: bool) -> str:
    where = tmp_dir or path.parent
    where.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=where)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return tmp


def _unlink_quietly(path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def write_atomically(path: Path, payload: bytes, tmp_dir: Path | None = None) -> None:
    """Replace `path` with `payload` so that readers see either the old or the new file, never a mix.

    The temporary file goes to `tmp_dir` (same file system) or next to `path`; it is fsynced before the
    rename and the directory after it, so the new version also survives a power cut.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_temporary(path, payload, tmp_dir, sync=True)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    _fsync_dir(path.parent)


class BatchWriter:
    """Replace many files at once for the price of one flush: write every temporary, sync once, rename each.

    Each file is still replaced atomically (old or new, never a mix); a kill part-way leaves some files
    new and some old, so callers use it for idempotent work (migrations) or mark what they touch.
    """

    def __init__(self, tmp_dir: Path):
        self.tmp_dir = Path(tmp_dir)
        self._pending: list[tuple[str, Path]] = []
        self.written: list[Path] = []

    def put(self, path: Path, payload: bytes) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._pending.append((_write_temporary(path, payload, self.tmp_dir, sync=False), path))

    def commit(self) -> list[Path]:
        """Make every put file durable and visible; returns the paths replaced."""
        if not self._pending:
            return []
        os.sync()
        dirs = set()
        done = 0
        try:
            for tmp, path in self._pending:
                os.replace(tmp, path)
                done += 1
                self.written.append(path)
                dirs.add(path.parent)
        finally:
            del self._pending[:done]
            self.discard()
        for d in dirs:
            _fsync_dir(d)
        return self.written

    def discard(self) -> None:
        """Forget what was put and not committed, removing its temporaries."""
        for tmp, _ in self._pending:
            _unlink_quietly(tmp)
        self._pending.clear()
