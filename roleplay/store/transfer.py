"""Export stored calls to one JSON file, and import such a file: validated whole, then stored all at once.

The file:
    {"format": "roleplay-calls", "version": 1,
     "calls": [{"transcript": {...}, "scorecard": {...} | null}, ...]}

An import is checked completely before anything is written: malformed input is refused with one line
naming the item and the field, and nothing is stored. A call whose id is already stored (or repeated in
the file) is skipped and reported, never overwritten.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from roleplay.domain.scorecard import Scorecard
from roleplay.domain.transcript import Transcript
from roleplay.store.layout import call_id_problem
from roleplay.store.store import Store, StoreError

FORMAT = "roleplay-calls"
FORMAT_VERSION = 1


class ImportRefused(StoreError):
    """The import file is malformed; nothing was imported."""


class ExportedCall(BaseModel):
    """One call in an export file."""

    model_config = ConfigDict(extra="forbid")

    transcript: Transcript
    scorecard: Scorecard | None = None


class ExportFile(BaseModel):
    """A whole export file."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["roleplay-calls"]
    """Says what the file is, so that another JSON file is refused with a clear line."""
    version: Literal[1]
    """The export format's version (not the store's schema version)."""
    calls: list[ExportedCall]


@dataclass
class ImportReport:
    """What `import_calls` stored and what it skipped."""

    imported: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    """Skipped call ids, with why: `already stored` or `repeated in the file`."""

    def summary(self) -> str:
        line = f"imported {len(self.imported)} call{'s' if len(self.imported) != 1 else ''}"
        if self.skipped:
            shown = ", ".join(f"{call_id} ({why})" for call_id, why in list(self.skipped.items())[:5])
            more = f" and {len(self.skipped) - 5} more" if len(self.skipped) > 5 else ""
            line += f"; skipped {len(self.skipped)}: {shown}{more}"
        return line


Selection = str | Iterable[str] | Mapping[str, object] | Callable[[dict], bool] | None


def _selected_ids(store: Store, selection: Selection) -> list[str]:
    if selection is None:
        return [r["id"] for r in store.list()]
    if isinstance(selection, str):
        return [selection]
    if isinstance(selection, Mapping):
        return [r["id"] for r in store.list() if all(r.get(k) == v for k, v in selection.items())]
    if callable(selection):
        return [r["id"] for r in store.list() if selection(r)]
    return list(dict.fromkeys(selection))


def export_calls(store: Store, selection: Selection = None) -> str:
    """The selected calls as export JSON (newest first for a filter, in the given order for ids).

    `selection`: None for every call; an id or a list of ids; a mapping of index fields to values
    (`{"rep": "ana", "outcome": "advance"}`); or a function given each index row.
    Raises UnknownIdError for an id that is not stored and StoreCorrupt for a call that cannot be read.
    """
    calls = []
    for call_id in _selected_ids(store, selection):
        call = store._call(call_id)
        calls.append({
            "transcript": call.transcript.model_dump(mode="json"),
            "scorecard": call.scorecard.model_dump(mode="json") if call.scorecard else None,
        })
    data = {"format": FORMAT, "version": FORMAT_VERSION, "calls": calls}
    text = json.dumps(data, ensure_ascii=False, indent=2)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: keep the file writable as UTF-8
        text = json.dumps(data, ensure_ascii=True, indent=2)
    return text + "\n"


def _refuse(detail: str) -> ImportRefused:
    return ImportRefused("import: " + " ".join(detail.split()) + "; nothing was imported")


def _item_name(data, index: int, count: int) -> str:
    name = f"call {index + 1} of {count}"
    try:
        call_id = data["calls"][index]["transcript"]["id"]
    except (KeyError, IndexError, TypeError):
        return name
    if isinstance(call_id, str) and call_id:
        shown = call_id if len(call_id) <= 60 else call_id[:57] + "..."
        name += f" ({shown!r})"
    return name


def _validation_line(data, exc: ValidationError) -> str:
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0]
    loc = list(first["loc"])
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    if len(loc) >= 2 and loc[0] == "calls" and isinstance(loc[1], int):
        where = _item_name(data, loc[1], len(data["calls"]))
        path = ""
        for part in loc[2:]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        return f"{where}: {path or 'the item'}: {first['msg']}{more}"
    top = ".".join(str(p) for p in loc) or "the file"
    hint = " (is this a roleplay export?)" if loc and loc[0] in ("format", "version") else ""
    return f"{top}: {first['msg']}{hint}{more}"


def parse_export(json_text: str | bytes) -> ExportFile:
    """Parse and check an export file; ImportRefused with one line naming the item and field otherwise."""
    if isinstance(json_text, bytes):
        try:
            json_text = json_text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _refuse(f"not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(json_text)
    except json.JSONDecodeError as exc:
        raise _refuse(f"not valid JSON ({exc.msg}: line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise _refuse("not valid JSON (nested too deeply)") from None
    except ValueError as exc:
        raise _refuse(f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        kind = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(type(data), "a number")
        raise _refuse(f"expected a roleplay export (a JSON object with `format`, `version` and `calls`), got {kind}")
    try:
        export = ExportFile.model_validate(data)
    except ValidationError as exc:
        raise _refuse(_validation_line(data, exc)) from None
    except RecursionError:
        raise _refuse("nested too deeply") from None
    for i, item in enumerate(export.calls):
        problem = call_id_problem(item.transcript.id)
        if problem:
            raise _refuse(f"{_item_name(data, i, len(export.calls))}: transcript.id: the id {problem}")
    return export


def import_calls(store: Store, json_text: str | bytes) -> ImportReport:
    """Store the calls of an export file. All or nothing: malformed input raises ImportRefused (one line)
    and stores nothing. Calls whose id is already stored, or repeated in the file, are skipped and reported."""
    export = parse_export(json_text)
    report = ImportReport()
    unique: dict[str, ExportedCall] = {}
    for item in export.calls:
        if item.transcript.id in unique:
            report.skipped[item.transcript.id] = "repeated in the file"
        else:
            unique[item.transcript.id] = item
    added, present = store._add_calls([(item.transcript, item.scorecard) for item in unique.values()])
    report.imported = added
    for call_id in present:
        report.skipped[call_id] = "already stored"
    return report
