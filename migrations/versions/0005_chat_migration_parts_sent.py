"""chats.migrated_to (groups upgraded to supergroups), alerts.parts_sent (split messages)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 13:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('chats', schema=None) as batch_op:
        batch_op.add_column(sa.Column('migrated_to', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parts_sent', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_column('parts_sent')
    with op.batch_alter_table('chats', schema=None) as batch_op:
        batch_op.drop_column('migrated_to')
