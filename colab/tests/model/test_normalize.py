"""colab/model/normalize.py on the shared vectors in contract/normalization/, and its edge cases."""
import json
import os

import pytest

from colab.model.normalize import DEFAULT_RULES, Normalizer
from colab.tests.conftest import ROOT

with open(os.path.join(ROOT, "contract", "normalization", "vectors.json"), encoding="utf-8") as f:
    VECTORS = json.load(f)


def test_the_vectors_use_the_default_rules():
    assert VECTORS["rules"] == DEFAULT_RULES


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_shared_vectors(case):
    assert Normalizer(VECTORS["vocabulary"], VECTORS["rules"])(case["input"]) == case["expected"]


def test_no_input_leaves_the_vocabulary():
    n = Normalizer(VECTORS["vocabulary"], DEFAULT_RULES)
    nasty = "".join(chr(cp) for cp in range(0, 0x3000, 7)) + "\U0001F600\U0010FFFF\ud800\udfff"
    assert set(n(nasty)) <= set(VECTORS["vocabulary"])


def test_unknown_characters_can_be_replaced():
    assert Normalizer(["a", " ", "?"], {"unknown": "replace", "unknown_replacement": "?"})("a\u4f60a") == "a?a"


def test_a_replacement_outside_the_vocabulary_is_refused():
    with pytest.raises(ValueError, match="vocabulary"):
        Normalizer(["a"], {"unknown": "replace", "unknown_replacement": "#"})
