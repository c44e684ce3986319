"""Keyword match, decide, story.py (story state is models.StoryState); pure, imports analysis."""
