"""Shared fixtures: the public COHERENT releases in ../shared/data (never copied into the repo)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
CSI_DIR = SHARED / "coherent-csi-2021"
LAR_DIR = SHARED / "coherent-lar-2020"
XENONNT_DIR = SHARED / "xenonnt-8b-2026"


@pytest.fixture(scope="session")
def csi_dir() -> Path:
    if not CSI_DIR.is_dir():
        pytest.skip("../shared/data/coherent-csi-2021 not present")
    return CSI_DIR


@pytest.fixture(scope="session")
def lar_dir() -> Path:
    if not LAR_DIR.is_dir():
        pytest.skip("../shared/data/coherent-lar-2020 not present")
    return LAR_DIR


@pytest.fixture(scope="session")
def xenonnt_dir() -> Path:
    if not XENONNT_DIR.is_dir():
        pytest.skip("../shared/data/xenonnt-8b-2026 not present")
    pytest.importorskip("h5py")
    return XENONNT_DIR
