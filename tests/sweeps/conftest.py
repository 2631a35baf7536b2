"""The server tests' database fixtures (`backend`: SQLite, then PostgreSQL when it is
reachable; `databases`: a fresh database of that backend per call)."""

from tests.server.conftest import backend, databases

__all__ = ["backend", "databases"]
