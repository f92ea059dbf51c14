"""reviews held back while their panel is open; what reviews an index run used

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("expert_reviews") as batch:
        batch.add_column(sa.Column("final", sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table("index_runs") as batch:
        batch.add_column(sa.Column("review_counts", sa.JSON(), nullable=True))
    # Reviews of panels still open when this runs are held back, as new ones will be.
    op.execute(
        "UPDATE expert_reviews SET final = false WHERE id IN ("
        " SELECT a.review_id FROM panel_assignments a JOIN panels p ON p.id = a.panel_id"
        " WHERE p.status = 'open' AND a.review_id IS NOT NULL)"
    )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("index_runs") as batch:
        batch.drop_column("review_counts")
    with op.batch_alter_table("expert_reviews") as batch:
        batch.drop_column("final")
