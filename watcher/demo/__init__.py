"""The bundled demo story and its local feed server; imports models and cli.replay (time parser)."""
