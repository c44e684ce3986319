"""Emergent/FNC-1 headline stance for benchmarks; imported only lazily by `watcher stance`."""
