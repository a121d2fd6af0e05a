"""Sentiment stage: turn scores from the (redacted) words, each party's trend, and
nothing at all where there is nothing to score."""

from __future__ import annotations

from analyzers.report import Parties, Pickup, Report, Speaker, Turn, Word
from analyzers.stages.redact import redact_words
from analyzers.stages.sentiment import score_sentiment


def _turn(party: Speaker, start_s: float, text: str | None, redact: bool = False) -> Turn:
    words = [
        Word(word=f" {w}", start_s=start_s + 0.3 * i, end_s=start_s + 0.3 * i + 0.25)
        for i, w in enumerate((text or "").split())
    ]
    if redact:
        words, _ = redact_words(words, party)
    joined = " ".join(w.word.strip() for w in words) or None
    return Turn(party=party, start_s=start_s, end_s=start_s + 3, text=joined, words=words)


def _report(turns: list[Turn], language: str | None = "en") -> Report:
    return Report(
        duration_s=60.0,
        sample_rate=8000,
        channels=2,
        language=language,
        ranges_profile="default",
        pickup=Pickup(),
        parties=Parties(),
        turns=turns,
    )


def test_each_worded_turn_is_scored_and_each_party_has_a_trend() -> None:
    report = score_sentiment(
        _report(
            [
                _turn("agent", 0, "Hello, how can I help you today?"),
                _turn("customer", 4, "This is terrible, I am really angry."),
                _turn("agent", 9, "I am sorry to hear that."),
                _turn("customer", 13, "The bill is wrong again."),
                _turn("customer", 18, None),  # said, not transcribed
                _turn("agent", 21, "I have fixed it for you."),
                _turn("customer", 25, "Thank you, that is wonderful."),
            ]
        )
    )
    scores = [t.sentiment for t in report.turns]
    assert scores[1] is not None and scores[1] < -0.5
    assert scores[4] is None
    assert scores[6] is not None and scores[6] > 0.5
    assert report.sentiment is not None
    assert report.sentiment.quality == "measured" and report.sentiment.language == "en"
    customer = report.sentiment.parties["customer"]
    assert customer.turns == 3
    assert customer.start == scores[1] and customer.end == scores[6]
    assert customer.change is not None and customer.change > 1.0
    assert set(report.sentiment.parties) == {"agent", "customer"}


def test_redacted_data_is_never_scored() -> None:
    # Unredacted, "happy" and "wonderful" in the address would read as praise.
    said = "my email is happy.wonderful@example.com"
    plain = score_sentiment(_report([_turn("customer", 0, said)]))
    redacted = score_sentiment(_report([_turn("customer", 0, said, redact=True)]))
    assert redacted.turns[0].text == "my email is [EMAIL]"
    assert (plain.turns[0].sentiment or 0) > 0.3
    assert redacted.turns[0].sentiment == 0.0
    only_tags = score_sentiment(
        _report([_turn("customer", 0, "four one one one one one one one one one one one "
                       "one one one one", redact=True)])
    )  # fmt: skip
    assert only_tags.turns[0].text and "[CARD]" in only_tags.turns[0].text
    assert only_tags.turns[0].sentiment is None and only_tags.sentiment is None


def test_rough_languages_say_so() -> None:
    report = score_sentiment(
        _report([_turn("customer", 0, "Tack så mycket, det var toppen!")], language="sv")
    )
    assert report.sentiment is not None and report.sentiment.quality == "rough"
    assert (report.turns[0].sentiment or 0) > 0
    trend = report.sentiment.parties["customer"]
    assert (trend.turns, trend.start, trend.end) == (1, None, None)


def test_no_words_or_no_word_list_means_no_sentiment() -> None:
    silent = _report([_turn("agent", 0, None)])
    assert score_sentiment(silent) == silent
    german = _report([_turn("agent", 0, "Das ist wunderbar")], language="de")
    assert score_sentiment(german) == german
    unknown = _report([_turn("agent", 0, "wonderful")], language=None)
    assert score_sentiment(unknown).sentiment is None
