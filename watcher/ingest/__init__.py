"""Ingestion policy and helpers around the feed stages: schedule, dedupe, full text, OPML."""
