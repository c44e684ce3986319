"""Storage: SQLAlchemy schema, engine set-up and repository functions."""
