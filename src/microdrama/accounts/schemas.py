"""How accounts look to the API: API tokens (never the token itself after it is made)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class TokenRead(BaseModel):
    """An API token as its owner sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool
