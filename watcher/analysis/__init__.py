"""The claim engine, pure given a model; imports only models (StoryState is the story history)."""
