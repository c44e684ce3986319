"""story alert rule

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 13:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Which changes of an actor on record alert: "decisive" (to or from confirmed, denied,
    # retracted; what every story did before) or "spec" (any change, the spec's rule 1).
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alert_rule', sa.String(length=16), nullable=False,
                                      server_default='decisive'))


def downgrade() -> None:
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.drop_column('alert_rule')
