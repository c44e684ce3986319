"""Story tracking: keyword matching, story state and the status-change decision (pure)."""
