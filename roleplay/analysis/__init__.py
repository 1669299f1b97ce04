"""Labels one utterance with what the method cares about, each label with the cue that decided it."""

__all__ = ["analyse", "detect_language"]


def __getattr__(name: str):
    # The analyser compiles its cue and rewrite patterns on import; modules that only need
    # `roleplay.analysis.sentences` (the director, at start-up) should not pay for that.
    if name == "analyse":
        from roleplay.analysis.analyser import analyse

        return analyse
    if name == "detect_language":
        from roleplay.analysis.language import detect_language

        return detect_language
    raise AttributeError(name)
