from __future__ import annotations

from analyzers.sentiment import QUALITY, lexicon_for, supported
from analyzers.sentiment.lexicons import normalise, stem


def test_every_supported_language_has_a_word_list_and_a_quality() -> None:
    for language in ("en", "sv", "nb", "el"):
        assert supported(language)
        lexicon = lexicon_for(language)
        assert len(lexicon.valences) > 2000
        assert "asent" in lexicon.method
        assert QUALITY[language] in ("measured", "rough")
    assert not supported("de") and not supported(None)


def test_valences_are_on_one_scale() -> None:
    # A clearly positive and a clearly negative word per language, on VADER's -4..4.
    pairs = {"en": ("great", "terrible"), "sv": ("bra", "dålig"), "nb": ("flott", "elendig")}
    for language, (good, bad) in pairs.items():
        lexicon = lexicon_for(language)
        assert 1.0 < (lexicon.valence(good) or 0) <= 4.0
        assert -4.0 <= (lexicon.valence(bad) or 0) < -1.0


def test_inflected_forms_found_by_stem() -> None:
    nb = lexicon_for("nb")
    assert "skuffete" not in nb.valences
    assert (nb.valence("skuffete") or 0) < 0
    assert (nb.valence("fornøyde") or 0) > 0
    assert stem("skuffet", "nb") == "skuff"


def test_greek_is_matched_without_accents_and_final_sigma() -> None:
    assert normalise("Ευχαριστημένος", "el") == "ευχαριστημενοσ"
    assert normalise("Åsa", "sv") == "åsa"  # other languages keep their letters
