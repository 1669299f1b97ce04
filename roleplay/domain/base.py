"""The strict base model for content files: unknown fields are errors, not silently ignored."""

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A model that rejects unknown fields, so a typo in a trainer's YAML is reported."""

    model_config = ConfigDict(extra="forbid")
