"""Claim engine: entities, attribution, stance, claims and their matching (pure, given a model)."""
