"""The bundled example is what its seeded generator makes, and it is realistic enough."""

import pytest

from socialroi.datasets import example_dir
from socialroi.datasets.generate import generate


def test_bundled_files_are_what_the_generator_writes():
    for name, text in generate().items():
        assert (example_dir() / name).read_bytes() == text.encode("utf-8"), (
            f"{name} differs from the generator's output: run python -m socialroi.datasets.generate")


def test_example_is_multilingual_and_has_a_few_thousand_keywords():
    text = (example_dir() / "keywords.csv").read_text(encoding="utf-8")
    rows = text.count("\n") - 1
    assert rows > 3000
    for sample in ("fjellsko", "pārgājienu", "کفش", "حذاء", "ullundertøy"):
        assert sample in text, sample


@pytest.mark.parametrize("seed", [1, 2])
def test_generator_is_deterministic(seed):
    assert generate(seed) == generate(seed)
