import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialroi.valuation.keywords import normalize_keys, normalize_keyword


@pytest.mark.parametrize(
    "a, b",
    [
        ("  Running   SHOES ", "running shoes"),
        ("ＲＵＮＮＩＮＧ", "running"),  # full-width letters (NFKC)
        ("کتاب", "كتاب"),  # keheh vs kaf
        ("کیف", "كيف"),  # Farsi yeh vs Arabic yeh
        ("هدى", "هدي"),  # alef maksura typed for yeh
        ("خيمة ٢٠٢٦", "خيمة 2026"),  # Arabic-Indic digits
        ("خرید ۱۴۰۵", "خريد 1405"),  # Persian digits and letters
        ("می\u200cخواهم", "مي خواهم"),  # ZWNJ typed as a space on other keyboards
        ("مُحَمَّد", "محمد"),  # optional vowel marks
        ("كتـــاب", "كتاب"),  # tatweel
        ("Straße", "strasse"),  # case folding, not just lower()
        ("fjell\tsko\n", "fjell sko"),
    ],
)
def test_variants_share_a_key(a, b):
    assert normalize_keyword(a) == normalize_keyword(b)


@pytest.mark.parametrize("a, b", [("Rīga", "Riga"), ("ullundertøy", "ullundertoy"), ("kārba", "karba")])
def test_latvian_and_norwegian_diacritics_kept_unless_folded(a, b):
    assert normalize_keyword(a) != normalize_keyword(b)
    assert normalize_keyword(a, fold_diacritics=True) == normalize_keyword(b, fold_diacritics=True)


def test_arrow_path_keeps_nulls_and_chunks():
    out = normalize_keys(pa.chunked_array([[" A  b", None], ["کتاب", "Rīga"]]))
    assert out.to_pylist() == ["a b", None, "كتاب", "rīga"]
    assert isinstance(out, pa.ChunkedArray)


text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
ascii_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(text, ascii_text), min_size=1, max_size=20), st.booleans())
def test_vectorised_path_equals_reference(values, fold):
    got = normalize_keys(pa.array(values), fold_diacritics=fold).to_pylist()
    assert got == [normalize_keyword(v, fold_diacritics=fold) for v in values]


@settings(max_examples=300, deadline=None)
@given(text, st.booleans())
def test_normalisation_is_idempotent(value, fold):
    once = normalize_keyword(value, fold_diacritics=fold)
    assert normalize_keyword(once, fold_diacritics=fold) == once
