"""Shared fixtures: where the public COHERENT releases live (never copied into the repo)."""

from __future__ import annotations

from pathlib import Path

import pytest

#: ``../shared/data`` relative to the repository root (see shared/data/README.md).
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder holding coherent-csi-2021/ and coherent-lar-2020/."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"public COHERENT data not found at {SHARED_DATA}")
    return SHARED_DATA
