"""audience ratings keep the value the import before said (vote jumps between imports)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("audience_ratings") as batch:
        batch.add_column(sa.Column("previous_score", sa.Float(), nullable=True))
        batch.add_column(sa.Column("previous_votes", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("audience_ratings") as batch:
        batch.drop_column("previous_votes")
        batch.drop_column("previous_score")
