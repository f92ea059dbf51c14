"""expert estimates: rater scale and the company an expert was found favouring

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "index_expert_estimates"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table(_TABLE) as batch:
        batch.add_column(sa.Column("scale", sa.Float(), nullable=True))
        batch.add_column(sa.Column("favoured_company", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("favour_points", sa.Float(), nullable=True))
        batch.add_column(sa.Column("favoured_reviews", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table(_TABLE) as batch:
        for name in ("favoured_reviews", "favour_points", "favoured_company", "scale"):
            batch.drop_column(name)
