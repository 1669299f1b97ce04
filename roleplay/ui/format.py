"""Small text formatters shared by the screens: dates, outcomes, scores."""

from __future__ import annotations

from datetime import datetime


def short_date(value: str | datetime | None) -> str:
    """`2026-05-01 14:03` from a datetime or an ISO string; empty when unknown."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value[:16]
    return value.strftime("%Y-%m-%d %H:%M")


def score_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"
