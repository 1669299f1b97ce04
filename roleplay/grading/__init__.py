"""The grader: one pure function from a transcript (plus scenario and rubric) to an explained scorecard."""

from roleplay.grading.rubric import Rubric

__all__ = ["GRADER_VERSION", "Rubric", "grade"]


def __getattr__(name: str):
    # The grader pulls in the analyser and its cue files; loading a rubric (at start-up) should not.
    if name in ("grade", "GRADER_VERSION"):
        from roleplay.grading import grader

        return getattr(grader, name)
    raise AttributeError(name)
