"""Pydantic models shared by every layer: personas, scenarios, transcripts, labels and scorecards."""

from roleplay.domain.labels import Evidence, UtteranceLabels
from roleplay.domain.persona import Disclosure, Persona
from roleplay.domain.scenario import Scenario
from roleplay.domain.scorecard import DIMENSIONS, DimensionScore, EvidenceItem, Scorecard
from roleplay.domain.transcript import Outcome, Speaker, Transcript, Turn

__all__ = [
    "DIMENSIONS",
    "DimensionScore",
    "Disclosure",
    "Evidence",
    "EvidenceItem",
    "Outcome",
    "Persona",
    "Scenario",
    "Scorecard",
    "Speaker",
    "Transcript",
    "Turn",
    "UtteranceLabels",
]
