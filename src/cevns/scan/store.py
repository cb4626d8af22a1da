"""Checkpoint store of a scan: finished chunks in an SQLite file, keyed by the scan's hash.

Why SQLite: it is in the standard library, a commit is atomic and durable (write-ahead log,
``synchronous=FULL``), so a process killed at any moment (``kill -9``) leaves the file with
every committed chunk intact and nothing half-written; readers verify each chunk's SHA-256.
One transaction per finished chunk; the scan's content hash and configuration are written once
in a ``meta`` table, and opening the store for a different configuration is an error (never a
silent mix of two scans).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

__all__ = ["ScanStore", "StoreError"]


class StoreError(ValueError):
    """The store belongs to another scan, or is not a scan store."""


class ScanStore:
    """Open (or create) the checkpoint store at ``path`` for the scan with ``scan_hash``.

    Parameters
    ----------
    path
        SQLite file.
    scan_hash
        Content hash of the scan configuration (:func:`cevns.scan.engine.scan_hash`).
    config
        JSON-ready description, stored for humans and error messages.
    n_chunks
        Number of chunks of the scan.
    """

    def __init__(self, path: str | Path, scan_hash: str, config: dict[str, Any],
                 n_chunks: int) -> None:
        self.path = Path(path)
        self.scan_hash = scan_hash
        self.n_chunks = n_chunks
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            self._db.execute("CREATE TABLE IF NOT EXISTS chunks (idx INTEGER PRIMARY KEY, "
                             "digest TEXT NOT NULL, payload BLOB NOT NULL)")
            row = self._db.execute("SELECT value FROM meta WHERE key='scan_hash'").fetchone()
            if row is None:
                self._db.executemany("INSERT INTO meta VALUES (?, ?)", [
                    ("scan_hash", scan_hash),
                    ("config", json.dumps(config, sort_keys=True)),
                    ("n_chunks", str(n_chunks)),
                ])
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"store: {self.path} is not a scan store ({exc})") from None
        if row is not None and row[0] != scan_hash:
            self.close()
            raise StoreError(
                f"store: {self.path} holds a different scan (configuration hash {row[0][:12]}…, "
                f"this scan {scan_hash[:12]}…); use another --out folder or remove it"
            )

    def get_meta(self, key: str) -> str | None:
        """A stored meta value (``None`` if absent)."""
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store a meta value (one transaction)."""
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
        self._db.execute("COMMIT")

    def done(self) -> set[int]:
        """Indices of the committed chunks."""
        return {int(r[0]) for r in self._db.execute("SELECT idx FROM chunks")}

    def commit(self, index: int, payload: bytes) -> None:
        """Commit one finished chunk (atomic; a chunk already present is left unchanged)."""
        digest = hashlib.sha256(payload).hexdigest()
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("INSERT OR IGNORE INTO chunks VALUES (?, ?, ?)",
                         (index, digest, payload))
        self._db.execute("COMMIT")

    def load(self) -> dict[int, bytes]:
        """Every committed chunk, verified against its SHA-256."""
        out: dict[int, bytes] = {}
        for idx, digest, payload in self._db.execute("SELECT idx, digest, payload FROM chunks"):
            blob = bytes(payload)
            if hashlib.sha256(blob).hexdigest() != digest:
                raise StoreError(f"store: chunk {idx} in {self.path} fails its checksum")
            out[int(idx)] = blob
        return out

    def close(self) -> None:
        """Close the connection."""
        self._db.close()
