"""Fixtures for the docio tests (the repository root goes on sys.path first)."""

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from .builders import CORPUS_DIR  # noqa: E402


@pytest.fixture
def corpus_dir() -> Path:
    """The corpus directory (CORPUS_DIR, default ../shared/corpus); skip if missing."""
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"corpus not found at {CORPUS_DIR}")
    return CORPUS_DIR
