"""Test helpers shared across suites: real servers on 127.0.0.1 (feeds, fake Telegram)."""
