"""The country prior on language detection (pure: detection probabilities in, choice out)."""

from __future__ import annotations

import pytest

from analyzers.ringback_plans import plan_countries, plan_for
from analyzers.transcribe.engine import LanguageGuess
from analyzers.transcribe.language import COUNTRY_LANGUAGES, country_prior, pick_supported


def guess(**probabilities: float) -> LanguageGuess:
    best = max(probabilities, key=probabilities.__getitem__)
    return LanguageGuess(best, probabilities[best], probabilities)


def test_without_a_country_every_supported_language_weighs_the_same() -> None:
    assert (
        country_prior([]) == country_prior(["DE"]) == dict.fromkeys(("en", "sv", "nb", "el"), 0.25)
    )
    assert pick_supported(guess(da=0.5, nb=0.3, sv=0.2)).language == "nb"


def test_a_swedish_ringback_tips_a_close_call_to_swedish() -> None:
    close = guess(da=0.4, nb=0.3, sv=0.2, en=0.1)
    assert pick_supported(close).language == "nb"
    picked = pick_supported(close, ["SE"])
    assert picked.language == "sv"
    assert picked.probabilities == close.probabilities  # the model's own numbers are kept


def test_a_confident_detection_beats_the_country() -> None:
    """An English call to a Swedish team stays English."""
    english = guess(en=0.9, sv=0.05, nb=0.03)
    assert pick_supported(english, ["SE"]).language == "en"


@pytest.mark.parametrize("country", ["NO", "GR"])
def test_a_shared_ringback_favours_each_country_sharing_it(country: str) -> None:
    """Norway and Greece ring alike: both languages are favoured, neither decides."""
    countries = plan_countries(plan_for(country))
    assert set(countries) == {"NO", "GR"}
    prior = country_prior(countries)
    assert prior["nb"] == prior["el"] > prior["sv"] == prior["en"]
    assert pick_supported(guess(el=0.3, nb=0.2, sv=0.25), countries).language == "el"
    assert pick_supported(guess(el=0.2, nb=0.3, sv=0.25), countries).language == "nb"


def test_country_codes_are_case_insensitive_and_map_to_supported_languages() -> None:
    assert country_prior(["se"]) == country_prior(["SE"])
    assert set(COUNTRY_LANGUAGES.values()) <= {"en", "sv", "nb", "el"}
    assert sum(country_prior(["SE"]).values()) == pytest.approx(1.0)
