"""Shared fixtures: where the shared SIE corpus is, when it is there."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "sie-corpus"
SAMPLES = ROOT / "samples"


def corpus_files() -> list[Path]:
    """Every SIE file of the shared corpus (empty when the folder is absent)."""
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.suffix.lower() in {".se", ".si"})


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"shared corpus file {name} is not available ({CORPUS})")
    return path


@pytest.fixture
def corpus() -> list[Path]:
    files = corpus_files()
    if not files:
        pytest.skip(f"the shared SIE corpus is not available ({CORPUS})")
    return files


def corpus_params() -> list[object]:
    """Corpus files as pytest parameters; one skipped parameter when it is absent."""
    files = corpus_files()
    if not files:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no SIE corpus at {CORPUS}"))]
    return [pytest.param(p, id=p.name) for p in files]
