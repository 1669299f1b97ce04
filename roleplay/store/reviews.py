"""Trainer reviews (notes, score overrides) stored beside each call in `calls/<id>.review.json`.

Kept in their own file so a review never rewrites the transcript or the grader's scorecard. Written
atomically under the store's lock; a save made from an out-of-date copy is refused rather than silently
overwriting another trainer's work.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError
from tinydb.table import Document

from roleplay.domain.review import Review
from roleplay.errors import RoleplayError, UnknownIdError, field_problem
from roleplay.store.atomic_storage import CorruptFile
from roleplay.store.store import Store, StoreConflict


class ReviewConflict(StoreConflict):
    """The review changed on disk since it was loaded."""


def review_path(store: Store, call_id: str) -> Path:
    """`calls/<id>.review.json`, beside the call's own file (raises UnknownIdError for an id that cannot name one)."""
    call_path = store._call_path(call_id)
    return call_path.with_name(f"{call_id}.review.json")


def _read(store: Store, path: Path) -> Review | None:
    with store._reporting_corruption():
        doc = store._db(path).table("review").get(doc_id=1)
    if doc is None:
        return None
    try:
        return Review.model_validate(doc)
    except ValidationError as exc:
        raise store._corrupt(CorruptFile(path, f"not a review ({field_problem(exc)})")) from None


def load_review(store: Store, call_id: str) -> Review:
    """The call's review, or an empty one when no trainer has annotated it yet."""
    path = review_path(store, call_id)
    if not path.exists():
        return Review(call_id=call_id)
    return _read(store, path) or Review(call_id=call_id)


def save_review(store: Store, call_id: str, review: Review) -> Review:
    """Store `review` and return it with its new revision.

    Raises:
        ReviewConflict: someone saved this call's review after `review` was loaded.
        UnknownIdError: there is no such call.
    """
    if review.call_id != call_id:
        raise RoleplayError(f"review is for call '{review.call_id}', not '{call_id}'")
    if not store._call_path(call_id).exists():
        raise UnknownIdError(f"unknown call '{call_id}' (see `roleplay list transcripts`)")
    path = review_path(store, call_id)
    with store._locked():
        stored = _read(store, path) if path.exists() else None
        if (stored.revision if stored else 0) != review.revision:
            raise ReviewConflict(f"{path}: the review was changed by someone else; reopen the call and try again")
        saved = review.model_copy(update={"revision": review.revision + 1})
        with store._reporting_corruption(), store._writing(path):
            store._db(path).table("review").upsert(Document(saved.model_dump(mode="json"), doc_id=1))
    return saved
