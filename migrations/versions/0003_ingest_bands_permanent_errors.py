"""ingest: near-duplicate band keys, permanent error count of feeds

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 04:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('item_bands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('band', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_bands_item_id_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_bands'))
    )
    with op.batch_alter_table('item_bands', schema=None) as batch_op:
        batch_op.create_index('ix_item_bands_band', ['band'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_bands_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_bands_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('permanent_errors', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.drop_column('permanent_errors')

    with op.batch_alter_table('item_bands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_bands_created_at'))
        batch_op.drop_index(batch_op.f('ix_item_bands_item_id'))
        batch_op.drop_index('ix_item_bands_band')

    op.drop_table('item_bands')
