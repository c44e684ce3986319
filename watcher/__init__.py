"""Story Watcher: alerts a chat the moment a claim in a developing story changes status."""

__version__ = "0.1.0"
