"""A call as one JSON document: transcript, scorecard and trainer review, for tools and for `roleplay grade`."""

from __future__ import annotations

import json

from roleplay.domain.review import Review
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.transcript import Transcript


def render_json(transcript: Transcript, scorecard: Scorecard | None = None, review: Review | None = None) -> str:
    """`{"transcript": ..., "scorecard": ... | null, "review": ... | null}`, pretty-printed, UTF-8 text kept as is.

    The shape matches `roleplay run --json`, so an export can be graded again with `roleplay grade`.
    """
    doc = {
        "transcript": transcript.model_dump(mode="json"),
        "scorecard": scorecard.model_dump(mode="json") if scorecard else None,
        "review": review.model_dump(mode="json") if review else None,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
