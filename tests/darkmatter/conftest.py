"""Shared fixtures of the accelerator dark-matter tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from cevns.experiments.csi2021_dm import CsIDarkMatterSearch


@pytest.fixture(scope="session")
def search(csi_dir: Path) -> CsIDarkMatterSearch:
    """The CsI 2021 likelihood with the dark-matter sample (built once, ~2 s)."""
    return CsIDarkMatterSearch.build(csi_dir)
