"""Labels one utterance with what the method cares about, each label with the cue that decided it."""

from roleplay.analysis.analyser import analyse
from roleplay.analysis.language import detect_language

__all__ = ["analyse", "detect_language"]
