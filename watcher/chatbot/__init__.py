"""The PTB chat bot: commands, texts, backend; imports delivery, tracking, ingest, store."""
