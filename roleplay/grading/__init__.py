"""The grader: one pure function from a transcript (plus scenario and rubric) to an explained scorecard."""

from roleplay.grading.grader import GRADER_VERSION, grade
from roleplay.grading.rubric import Rubric

__all__ = ["GRADER_VERSION", "Rubric", "grade"]
