"""Errors a user can act on: each carries one clear line naming the file and the field."""


class RoleplayError(Exception):
    """An error shown to the user as one line, without a traceback."""


class ContentError(RoleplayError):
    """A content file (persona, scenario, rubric, framework) is missing, unreadable or invalid."""


class UnknownIdError(RoleplayError):
    """An id (scenario, persona, transcript) that does not exist."""


class InputFileError(RoleplayError):
    """A script or transcript file given on the command line cannot be used."""
