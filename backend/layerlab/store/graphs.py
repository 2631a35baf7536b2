"""Saved graphs and their versions.

Every save makes a new version (1, 2, 3, ...). An update names the version it was
based on and succeeds only if that is still the newest one: the compare-and-set is a
single UPDATE, so two concurrent saves can never both win, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, defer

from layerlab.ids import new_graph_id
from layerlab.store.tables import NAME_LENGTH, Graph, GraphVersion
from layerlab.store.types import clean_text, utcnow


class NotFound(LookupError):
    """No such graph, or no such version of it; the message says which."""


class VersionConflict(RuntimeError):
    """The graph changed since the version the caller based its change on."""

    def __init__(self, graph_id: str, current: int, base: int):
        super().__init__(
            f"graph {graph_id} is at version {current}; this change was based on version {base}"
        )
        self.graph_id = graph_id
        self.current = current
        self.base = base


def create_graph(session: Session, name: str, document: dict[str, Any]) -> GraphVersion:
    """A new graph at version 1; returns that version (with `.graph` loaded)."""
    now = utcnow()
    name = clean_text(name, NAME_LENGTH)
    graph = Graph(id=new_graph_id(), name=name, version=1, created_at=now, updated_at=now)
    version = GraphVersion(graph=graph, version=1, name=name, document=document, created_at=now)
    session.add_all([graph, version])
    session.commit()
    return version


def list_graphs(session: Session, limit: int = 100, offset: int = 0) -> list[Graph]:
    """Graphs, the most recently saved first."""
    query = select(Graph).order_by(Graph.updated_at.desc(), Graph.id).limit(limit).offset(offset)
    return list(session.scalars(query))


def count_graphs(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Graph)) or 0


def get_graph(session: Session, graph_id: str) -> GraphVersion:
    """The newest version of a graph (with `.graph` loaded); raises NotFound."""
    query = (
        select(GraphVersion)
        .join(Graph)
        .where(Graph.id == graph_id, GraphVersion.version == Graph.version)
    )
    version = session.scalars(query).one_or_none()
    if version is None:
        raise NotFound(f"no graph {graph_id}")
    _ = version.graph
    return version


def update_graph(
    session: Session, graph_id: str, base_version: int, name: str, document: dict[str, Any]
) -> GraphVersion:
    """Save a new version on top of `base_version`; raises VersionConflict when the
    graph has moved on (nothing is written then) and NotFound."""
    now = utcnow()
    name = clean_text(name, NAME_LENGTH)
    # Written first, so the transaction holds the write lock before it reads anything.
    moved = session.execute(
        update(Graph)
        .where(Graph.id == graph_id, Graph.version == base_version)
        .values(version=base_version + 1, name=name, updated_at=now)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        current = session.scalar(select(Graph.version).where(Graph.id == graph_id))
        if current is None:
            raise NotFound(f"no graph {graph_id}")
        raise VersionConflict(graph_id, current, base_version)
    version = GraphVersion(
        graph_id=graph_id, version=base_version + 1, name=name, document=document, created_at=now
    )
    session.add(version)
    session.commit()
    return get_graph(session, graph_id)


def delete_graph(session: Session, graph_id: str, expected_version: int | None = None) -> None:
    """Delete a graph and all its versions; with `expected_version`, only if the graph
    is still at that version (VersionConflict otherwise). Runs keep their snapshot."""
    query = delete(Graph).where(Graph.id == graph_id)
    if expected_version is not None:
        query = query.where(Graph.version == expected_version)
    gone = session.execute(query)
    if gone.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        current = session.scalar(select(Graph.version).where(Graph.id == graph_id))
        if current is None:
            raise NotFound(f"no graph {graph_id}")
        raise VersionConflict(graph_id, current, expected_version or 0)
    session.commit()


def list_versions(
    session: Session, graph_id: str, limit: int = 100, offset: int = 0
) -> list[GraphVersion]:
    """Versions of a graph, newest first, without their documents; raises NotFound."""
    if session.get(Graph, graph_id) is None:
        raise NotFound(f"no graph {graph_id}")
    query = (
        select(GraphVersion)
        .options(defer(GraphVersion.document, raiseload=True))
        .where(GraphVersion.graph_id == graph_id)
        .order_by(GraphVersion.version.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def get_version(session: Session, graph_id: str, version: int) -> GraphVersion:
    """One version with its document; raises NotFound (for a missing graph or version)."""
    row = session.get(GraphVersion, (graph_id, version))
    if row is None:
        if session.get(Graph, graph_id) is None:
            raise NotFound(f"no graph {graph_id}")
        raise NotFound(f"graph {graph_id} has no version {version}")
    return row
