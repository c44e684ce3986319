"""Fetch, netguard, parse, schedule, dedupe, article text, the poller; imports tracking, store."""
