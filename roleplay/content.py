"""Finds, reads and validates the YAML content: personas, scenarios, rubrics and frameworks.

Built-in content ships inside the package (or sits at the repository root in a checkout); a user's
content directory (`--content DIR` or `ROLEPLAY_CONTENT`) adds files and overrides built-ins by id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from roleplay.domain import Persona, Scenario
from roleplay.errors import ContentError, UnknownIdError, field_problem

KINDS = ("personas", "scenarios", "rubrics", "frameworks")
# libyaml's loader when present (several times faster; start-up reads every content file), else pure Python.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
M = TypeVar("M", bound=BaseModel)


def builtin_content_dir() -> Path:
    """The shipped content: inside the installed package, else the repository root of a checkout."""
    packaged = Path(__file__).parent / "_content"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent


def content_dirs(extra: str | os.PathLike | None = None) -> list[Path]:
    """Content roots in increasing priority: built-in, then `ROLEPLAY_CONTENT`, then `extra`."""
    roots = [builtin_content_dir()]
    for candidate in (os.environ.get("ROLEPLAY_CONTENT"), extra):
        if candidate:
            root = Path(candidate)
            if not root.is_dir():
                raise ContentError(f"{root}: content directory does not exist")
            roots.append(root)
    return roots


def read_yaml(path: Path) -> object:
    """Parse a YAML file, turning every failure into one line that names the file."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ContentError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentError(f"{path}: invalid YAML{where}: {problem}") from None


def validation_message(path: Path | str, exc: ValidationError) -> str:
    """One line naming the file, the first failing field and what is wrong with it."""
    return f"{path}: {field_problem(exc)}"


def load_model(path: Path, model: type[M]) -> M:
    """Read and validate one content file."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a mapping of fields, found {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContentError(validation_message(path, exc)) from None


@dataclass
class Library:
    """All content, validated, indexed by id, with the file each item came from."""

    personas: dict[str, Persona] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    sources: dict[tuple[str, str], Path] = field(default_factory=dict)

    def persona(self, persona_id: str) -> Persona:
        try:
            return self.personas[persona_id]
        except KeyError:
            raise UnknownIdError(
                f"unknown persona '{persona_id}' (known: {', '.join(sorted(self.personas))})"
            ) from None

    def scenario(self, scenario_id: str) -> Scenario:
        try:
            return self.scenarios[scenario_id]
        except KeyError:
            raise UnknownIdError(
                f"unknown scenario '{scenario_id}' (known: {', '.join(sorted(self.scenarios))})"
            ) from None

    def check_references(self) -> None:
        """Every scenario names a persona that exists; every campaign link names a scenario."""
        for sid, scenario in self.scenarios.items():
            path = self.sources[("scenarios", sid)]
            if scenario.persona not in self.personas:
                raise ContentError(f"{path}: persona: unknown persona '{scenario.persona}'")
            if scenario.campaign and scenario.campaign.unlocks and scenario.campaign.unlocks not in self.scenarios:
                raise ContentError(f"{path}: campaign.unlocks: unknown scenario '{scenario.campaign.unlocks}'")
        for pid, persona in self.personas.items():
            ref = persona.authority.referral
            if ref and ref.persona and ref.persona not in self.personas:
                path = self.sources[("personas", pid)]
                raise ContentError(f"{path}: authority.referral.persona: unknown persona '{ref.persona}'")


def load_rubric(rubric_id: str = "default", extra: str | os.PathLike | None = None):
    """The rubric `rubric_id`, from the highest-priority content directory that has it."""
    from roleplay.grading.rubric import Rubric

    for root in reversed(content_dirs(extra)):
        path = root / "rubrics" / f"{rubric_id}.yaml"
        if path.exists():
            return load_model(path, Rubric)
    raise UnknownIdError(f"unknown rubric '{rubric_id}'")


def _load_kind(roots: list[Path], kind: str, model: type[M], into: dict[str, M], sources: dict) -> None:
    for root in roots:
        folder = root / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            item = load_model(path, model)
            if item.id != path.stem:
                raise ContentError(f"{path}: id: '{item.id}' does not match the file name '{path.stem}'")
            into[item.id] = item
            sources[(kind, item.id)] = path


def load_library(extra: str | os.PathLike | None = None) -> Library:
    """Load and cross-check every persona and scenario, raising ContentError on the first problem."""
    lib = Library()
    roots = content_dirs(extra)
    _load_kind(roots, "personas", Persona, lib.personas, lib.sources)
    _load_kind(roots, "scenarios", Scenario, lib.scenarios, lib.sources)
    lib.check_references()
    return lib


def validate_paths(paths: list[Path]) -> list[str]:
    """Validate the given files or folders; returns one line per file checked, raising on the first bad one."""
    checked: list[str] = []
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(p.rglob("*.yaml"))
        elif p.exists():
            files.append(p)
        else:
            raise ContentError(f"{p}: no such file or directory")
    for path in files:
        kind = path.parent.name
        model = {"personas": Persona, "scenarios": Scenario}.get(kind)
        if model is None:
            model = _model_for_kind(kind)
        if model is None:
            raise ContentError(f"{path}: cannot tell what this is (put it in a personas/ or scenarios/ folder)")
        load_model(path, model)
        checked.append(f"ok  {path}")
    return checked


def _model_for_kind(kind: str) -> type[BaseModel] | None:
    # Rubrics and frameworks are defined by the grader and analyser; imported here lazily to keep
    # start-up cheap.
    if kind == "rubrics":
        from roleplay.grading.rubric import Rubric

        return Rubric
    if kind == "frameworks":
        from roleplay.analysis.framework import Framework

        return Framework
    return None


def validate_all(extra: str | os.PathLike | None = None) -> list[str]:
    """Validate every content file and the analyser's cue files; one summary line per kind."""
    from roleplay.analysis.cues import CueError, load_cues

    lib = load_library(extra)
    lines = [f"ok  {len(lib.personas)} personas, {len(lib.scenarios)} scenarios"]
    for kind in ("rubrics", "frameworks"):
        files = [f for root in content_dirs(extra) if (root / kind).is_dir() for f in sorted((root / kind).glob("*.yaml"))]
        validate_paths(files)
        lines.append(f"ok  {len(files)} {kind}")
    for lang in ("en", "zh"):
        try:
            load_cues(lang)
        except CueError as exc:
            raise ContentError(str(exc)) from None
    lines.append("ok  analyser cues (en, zh)")
    return lines
