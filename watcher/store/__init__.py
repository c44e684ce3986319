"""SQLAlchemy schema and repositories; imports models (and, until issue 10 ends, four stages)."""
