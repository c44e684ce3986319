"""The claim engine, pure given a model; imports models and tracking.state (story history)."""
