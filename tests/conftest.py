from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
CORPUS = FIXTURES / "corpus"


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


def seed(prefix: str) -> Path:
    """The seed file whose name starts with prefix ('000' … '004')."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))
