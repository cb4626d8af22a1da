"""Shared fixtures: where the public data releases live (never copied into the repo)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw their examples deterministically, so a run is reproducible run to run
# (house rule: randomness is seeded); the suite's own toys pass explicit seeds.
settings.register_profile("reproducible", derandomize=True, print_blob=True)
settings.load_profile("reproducible")

#: ``../shared/data`` relative to the repository root (see shared/data/README.md).
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder holding coherent-csi-2021/ and coherent-lar-2020/."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"public COHERENT data not found at {SHARED_DATA}")
    return SHARED_DATA


def _release(name: str) -> Path:
    folder = SHARED_DATA / name
    if not folder.is_dir():
        pytest.skip(f"../shared/data/{name} not present")
    return folder


@pytest.fixture(scope="session")
def csi_dir() -> Path:
    """The COHERENT CsI[Na] 2021 release."""
    return _release("coherent-csi-2021")


@pytest.fixture(scope="session")
def lar_dir() -> Path:
    """The COHERENT CENNS-10 2020 release."""
    return _release("coherent-lar-2020")


@pytest.fixture(scope="session")
def xenonnt_dir() -> Path:
    """The XENONnT solar-⁸B release (read with h5py)."""
    folder = _release("xenonnt-8b-2026")
    pytest.importorskip("h5py")
    return folder
