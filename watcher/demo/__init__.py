"""The bundled demo story and the tiny local feed server that releases it over the first minutes."""
