"""Errors a user can act on: each carries one clear line naming the file and the field."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class RoleplayError(Exception):
    """An error shown to the user as one line, without a traceback."""


class ContentError(RoleplayError):
    """A content file (persona, scenario, rubric, framework) is missing, unreadable or invalid."""


class UnknownIdError(RoleplayError):
    """An id (scenario, persona, transcript) that does not exist."""


class InputFileError(RoleplayError):
    """A script or transcript file given on the command line cannot be used."""


def field_problem(exc: ValidationError) -> str:
    """The first problem pydantic found, as `field.path: message`, plus how many more there are."""
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"
