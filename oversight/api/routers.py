"""Registers every domain router on the API (filled by each domain's module)."""
