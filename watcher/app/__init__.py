"""Daemon lifecycle, scheduler and jobs; may import every stage and ops, never cli."""
