"""SQLAlchemy schema and repositories; imports models, errors and config only (no stage above)."""
