"""Keyword match, story state, decide, story.py; pure (imports analysis lazily for its engine)."""
