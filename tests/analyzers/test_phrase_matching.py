"""Phrase rules on constructed, Whisper-style transcripts in en, sv, nb and el."""

from __future__ import annotations

import pytest

from analyzers.errors import UnsupportedLanguageError
from analyzers.phrase_matching import (
    PHRASE_KEYS,
    SUPPORTED_LANGUAGES,
    check_closing,
    check_negative_language,
    check_opening,
    customer_name_used,
    explain_silence,
    find_phrases,
    load_phrase_book,
    normalise,
)
from analyzers.report import Word

WORD_S = 0.35  # each constructed word lasts this long


def say(text: str, start_s: float = 0.0) -> list[Word]:
    """Whisper-style words: a leading space, punctuation attached, one every WORD_S."""
    return [
        Word(
            word=f" {token}",
            start_s=start_s + i * WORD_S,
            end_s=start_s + (i + 1) * WORD_S,
            probability=0.9,
        )
        for i, token in enumerate(text.split())
    ]


def end_of(words: list[Word]) -> float:
    return words[-1].end_s


# Filler the phrase lists never match, to push phrases out of a window: 50 words, 17.5 s.
FILLER = " ".join(str(n) for n in range(100, 150))

CASES: dict[str, dict[str, str]] = {
    "en": {
        "agent": "Anna Lind",
        "customer": "Maria Lopez",
        "opening": "Good morning, my name is Anna from Acme. How can I help you today?",
        "opening_no_greeting": "My name is Anna from Acme. How can I help you today?",
        "opening_no_name": "Good morning, you have reached Acme. How can I help you today?",
        "opening_forbidden": "Good morning, sorry to disturb you, my name is Anna from Acme.",
        "negative": "No problem, I will fix that right away.",
        "not_negative": "No, the problem was fixed yesterday.",
        "over_familiar": "Hey, what's up mate?",
        "criticism": "You should have read the manual first.",
        "not_criticism": "You should have received an email from us.",
        "closing": "You will receive the new card within five days. "
        "Thank you for calling, Maria. Have a nice day, goodbye.",
        "closing_no_next_step": "Thank you for calling, Maria. Have a nice day, goodbye.",
        "closing_no_thanks": "You will receive the new card within five days. "
        "Have a nice day, goodbye.",
        "closing_no_farewell": "You will receive the new card within five days. "
        "Thank you for calling, Maria.",
        "announcement": "Let me check that for you, one moment please.",
        "no_announcement": "Okay, so your address is Main Street five.",
    },
    "sv": {
        "agent": "Anna Lind",
        "customer": "Maria Svensson",
        "opening": "God morgon, jag heter Anna och ringer från Acme. Hur kan jag hjälpa dig?",
        "opening_no_greeting": "Jag heter Anna och ringer från Acme. Hur kan jag hjälpa dig?",
        "opening_no_name": "God morgon, du har kommit till Acme. Hur kan jag hjälpa dig?",
        "opening_forbidden": "God morgon, ursäkta att jag stör, jag heter Anna från Acme.",
        "negative": "Inga problem, jag fixar det direkt.",
        "not_negative": "Nej, problemet är redan löst.",
        "over_familiar": "Tjena, hur är läget?",
        "criticism": "Du borde ha läst manualen först.",
        "not_criticism": "Du borde ha fått ett mejl från oss.",
        "closing": "Du kommer att få det nya kortet inom fem dagar. "
        "Tack för samtalet, Maria. Ha en bra dag, hej då.",
        "closing_no_next_step": "Tack för samtalet, Maria. Ha en bra dag, hej då.",
        "closing_no_thanks": "Du kommer att få det nya kortet inom fem dagar. "
        "Ha en bra dag, hej då.",
        "closing_no_farewell": "Du kommer att få det nya kortet inom fem dagar. "
        "Tack för samtalet, Maria.",
        "announcement": "Jag ska kolla det åt dig, ett ögonblick.",
        "no_announcement": "Okej, din adress är Storgatan fem.",
    },
    "nb": {
        "agent": "Anna Lind",
        "customer": "Maria Hansen",
        "opening": "God morgen, jeg heter Anna og ringer fra Acme. Hva kan jeg hjelpe deg med?",
        "opening_no_greeting": "Jeg heter Anna og ringer fra Acme. Hva kan jeg hjelpe deg med?",
        "opening_no_name": "God morgen, du har kommet til Acme. Hva kan jeg hjelpe deg med?",
        "opening_forbidden": "God morgen, unnskyld at jeg forstyrrer, jeg heter Anna fra Acme.",
        "negative": "Det er ikke noe problem, jeg fikser det med en gang.",
        "not_negative": "Nei, problemet er allerede løst.",
        "over_familiar": "Hei, hva skjer?",
        "criticism": "Du burde ha lest bruksanvisningen først.",
        "not_criticism": "Du skulle ha fått en e-post fra oss.",
        "closing": "Du vil få det nye kortet innen fem dager. "
        "Takk for at du ringte, Maria. Ha en fin dag, ha det bra.",
        "closing_no_next_step": "Takk for at du ringte, Maria. Ha en fin dag, ha det bra.",
        "closing_no_thanks": "Du vil få det nye kortet innen fem dager. Ha en fin dag, ha det bra.",
        "closing_no_farewell": "Du vil få det nye kortet innen fem dager. "
        "Takk for at du ringte, Maria.",
        "announcement": "Jeg skal sjekke det for deg, et øyeblikk.",
        "no_announcement": "Ok, adressen din er Storgata fem.",
    },
    "el": {
        "agent": "Άννα Λίντ",
        "customer": "Μαρία Παπαδοπούλου",
        "opening": "Καλημέρα σας, με λένε Άννα από την Acme. Πώς μπορώ να σας βοηθήσω;",
        "opening_no_greeting": "Με λένε Άννα από την Acme. Πώς μπορώ να σας βοηθήσω;",
        "opening_no_name": "Καλημέρα σας, καλέσατε την Acme. Πώς μπορώ να σας βοηθήσω;",
        "opening_forbidden": "Καλημέρα σας, συγγνώμη που σας ενοχλώ, με λένε Άννα από την Acme.",
        "negative": "Κανένα πρόβλημα, θα το διορθώσω αμέσως.",
        "not_negative": "Όχι, το πρόβλημα λύθηκε ήδη.",
        "over_familiar": "Γεια σου ρε φίλε, τι λέει;",
        "criticism": "Έπρεπε να είχατε διαβάσει τις οδηγίες.",
        "not_criticism": "Θα έπρεπε να είχατε λάβει ένα email από εμάς.",
        "closing": "Θα λάβετε τη νέα κάρτα μέσα σε πέντε μέρες. "
        "Ευχαριστώ για την κλήση, κυρία Μαρία. Καλή σας μέρα.",
        "closing_no_next_step": "Ευχαριστώ για την κλήση, κυρία Μαρία. Καλή σας μέρα.",
        "closing_no_thanks": "Θα λάβετε τη νέα κάρτα μέσα σε πέντε μέρες. Καλή σας μέρα.",
        "closing_no_farewell": "Θα λάβετε τη νέα κάρτα μέσα σε πέντε μέρες. "
        "Ευχαριστώ για την κλήση, κυρία Μαρία.",
        "announcement": "Μια στιγμή, να το ελέγξω για εσάς.",
        "no_announcement": "Εντάξει, η διεύθυνσή σας είναι οδός Αθηνάς πέντε.",
    },
}
LANGUAGES = list(CASES)


def _opening(lang: str, text: str, *, start_s: float = 0.0, metadata: bool = True):
    case = CASES[lang]
    return check_opening(
        say(text, start_s),
        lang,
        within_s=15.0,
        company_names=["Acme"] if metadata else None,
        agent_name=case["agent"] if metadata else None,
    )


# --------------------------------------------------------------------------- data files


def test_every_language_file_loads_with_the_same_keys() -> None:
    assert set(SUPPORTED_LANGUAGES) == set(LANGUAGES)
    for lang in SUPPORTED_LANGUAGES:
        book = load_phrase_book(lang)
        for table, keys in PHRASE_KEYS.items():
            for key in keys:
                if key != "exceptions":
                    assert book.get(table, key), f"{lang}: {table}.{key} is empty"


def test_unknown_language_is_a_typed_error() -> None:
    with pytest.raises(UnsupportedLanguageError) as info:
        check_negative_language(say("Hallo"), "de")
    assert info.value.code == "unsupported_language"


# --------------------------------------------------------------------------- normalise


def test_greek_accents_and_final_sigma_fold() -> None:
    assert normalise("ΚΑΛΗΜΈΡΑ ΣΑΣ!") == normalise("καλημέρα σας") == ["καλημερα", "σασ"]
    assert normalise("Ευχαριστώ πολύ;") == ["ευχαριστω", "πολυ"]
    assert normalise("διαλυτικά: ΐ ϊ ΰ") == ["διαλυτικα", "ι", "ι", "υ"]
    assert normalise("τις οδηγίες") == normalise("ΤΙΣ ΟΔΗΓΊΕΣ")


def test_nordic_letters_keep_their_marks() -> None:
    assert normalise("Hej då, ÖGONBLICK, Støtte, Æble") == [
        "hej",
        "då",
        "ögonblick",
        "støtte",
        "æble",
    ]
    assert normalise("då") != normalise("da")


def test_apostrophes_digits_and_punctuation() -> None:
    assert normalise(" I'll") == normalise("I’ll") == normalise("Ill") == ["ill"]
    assert normalise("that's 1,500 e-mails...") == ["thats", "1500", "e", "mails"]
    assert normalise(" -- ?") == []


# --------------------------------------------------------------------------- find_phrases


def test_whisper_style_tokens_match() -> None:
    words = [
        Word(word=t, start_s=i, end_s=i + 0.5)
        for i, t in enumerate([" Hello,", " I'll", " check.", " Thanks"])
    ]
    found = find_phrases(words, ["hello", "i'll check", "thanks"])
    assert [(m.phrase, m.word_indices) for m in found] == [
        ("hello", (0,)),
        ("i'll check", (1, 2)),
        ("thanks", (3,)),
    ]
    assert found[1].text == "I'll check."
    assert (found[1].start_s, found[1].end_s) == (1.0, 2.5)


def test_wildcards_optionals_and_alternatives() -> None:
    pattern = ["let me [just] check|look * for you"]
    assert find_phrases(say("Let me just look that up for you."), pattern) == []
    assert find_phrases(say("Let me just look that for you."), pattern)
    assert find_phrases(say("Okay, let me check it for you."), pattern)[0].text == (
        "let me check it for you."
    )


def test_longest_match_wins_and_matches_do_not_overlap() -> None:
    found = find_phrases(say("Thank you for calling Acme."), ["thank you", "thank you for calling"])
    assert [m.phrase for m in found] == ["thank you for calling"]


def test_a_phrase_does_not_span_punctuation() -> None:
    # Decision: "no problem" needs the two words in one phrase of the transcript.
    assert find_phrases(say("No problem."), ["no problem"])
    assert not find_phrases(say("No, the problem was fixed."), ["no problem"])
    assert not find_phrases(say("No, problem solved."), ["no problem"])
    assert not find_phrases(say("No. Problem solved."), ["no problem"])
    # An ellipsis is a hesitation, not a boundary.
    assert find_phrases(say("Let me... check"), ["let me check"])


def test_placeholders_match_names_and_are_skipped_when_unknown() -> None:
    words = say("Hi, this is Anna from Acme Energy.")
    assert not find_phrases(words, ["from {company}"])
    found = find_phrases(words, ["from {company}"], slots={"company": ["Acme Energy AB"]})
    assert found[0].text == "from Acme Energy."


# --------------------------------------------------------------------------- opening


@pytest.mark.parametrize("lang", LANGUAGES)
def test_good_opening_passes(lang: str) -> None:
    result = _opening(lang, CASES[lang]["opening"])
    assert result.passed, result
    assert result.greeting and result.introduction and result.company
    assert result.forbidden == ()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_good_opening_passes_without_metadata(lang: str) -> None:
    result = _opening(lang, CASES[lang]["opening"], metadata=False)
    assert result.passed, result


@pytest.mark.parametrize("lang", LANGUAGES)
def test_opening_without_greeting_fails(lang: str) -> None:
    result = _opening(lang, CASES[lang]["opening_no_greeting"])
    assert result.missing == ("greeting",)
    assert not result.passed


@pytest.mark.parametrize("lang", LANGUAGES)
def test_opening_without_name_fails(lang: str) -> None:
    result = _opening(lang, CASES[lang]["opening_no_name"])
    assert result.missing == ("name",)
    assert result.company is not None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_forbidden_opener_is_found_with_its_time(lang: str) -> None:
    result = _opening(lang, CASES[lang]["opening_forbidden"], start_s=3.0)
    assert not result.passed
    assert result.missing == ()
    (forbidden,) = result.forbidden
    assert 3.0 < forbidden.start_s < forbidden.end_s < 3.0 + 8 * WORD_S


@pytest.mark.parametrize("lang", LANGUAGES)
def test_introduction_after_the_first_seconds_of_speech_does_not_count(lang: str) -> None:
    # The agent talks 17.5 s before introducing themselves.
    words = say(f"{FILLER} {CASES[lang]['opening']}")
    result = check_opening(
        words, lang, within_s=15.0, company_names=["Acme"], agent_name=CASES[lang]["agent"]
    )
    assert set(result.missing) == {"greeting", "name", "company"}
    assert result.window_end_s == pytest.approx(15.05, abs=WORD_S)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_opening_window_counts_agent_speech_not_the_customers_turn(lang: str) -> None:
    # Greeting, then the customer talks for 30 s, then the introduction: 2 s of agent speech.
    greeting = CASES[lang]["opening"].split(",")[0] + "."
    intro = CASES[lang]["opening_no_greeting"]
    words = say(greeting) + say(intro, start_s=32.0)
    result = check_opening(
        words, lang, within_s=15.0, company_names=["Acme"], agent_name=CASES[lang]["agent"]
    )
    assert result.passed, result
    assert result.introduction is not None and result.introduction.start_s >= 32.0


# --------------------------------------------------------------------------- negative


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("category", ["negative", "over_familiar", "criticism"])
def test_negative_language_is_found_by_category(lang: str, category: str) -> None:
    found = check_negative_language(say(CASES[lang][category], start_s=10.0), lang)
    assert found, CASES[lang][category]
    assert {m.category for m in found} == {category}
    assert all(m.start_s >= 10.0 for m in found)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", ["not_negative", "not_criticism", "opening", "closing"])
def test_no_negative_language_in_neutral_speech(lang: str, key: str) -> None:
    assert check_negative_language(say(CASES[lang][key]), lang) == []


# --------------------------------------------------------------------------- closing


def _closing(lang: str, text: str, *, customer: bool = True, before: str = "") -> object:
    words = say(before) if before else []
    start = end_of(words) + 5.0 if words else 100.0
    words += say(text, start_s=start)
    return check_closing(
        words, lang, within_last_s=30.0, customer_name=CASES[lang]["customer"] if customer else None
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_good_closing_passes(lang: str) -> None:
    result = _closing(lang, CASES[lang]["closing"], before=FILLER)
    assert result.passed, result
    assert result.name_used is True
    assert result.window_start_s is not None


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("part", ["next_step", "thanks", "farewell"])
def test_closing_missing_a_part_fails(lang: str, part: str) -> None:
    result = _closing(lang, CASES[lang][f"closing_no_{part}"])
    assert result.missing == (part,)
    assert not result.passed


@pytest.mark.parametrize("lang", LANGUAGES)
def test_closing_said_long_before_the_end_does_not_count(lang: str) -> None:
    words = say(CASES[lang]["closing"]) + say(f"{FILLER} {FILLER}", start_s=30.0)
    result = check_closing(words, lang, within_last_s=30.0)
    assert set(result.missing) == {"next_step", "thanks", "farewell"}
    assert result.name_used is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_closing_without_the_customers_name(lang: str) -> None:
    text = CASES[lang]["closing"].replace("Maria", "").replace("Μαρία", "")
    result = _closing(lang, text)
    assert result.passed
    assert result.name_used is False


# --------------------------------------------------------------------------- silences


@pytest.mark.parametrize("lang", LANGUAGES)
def test_announced_silence_is_explained(lang: str) -> None:
    words = say(CASES[lang]["announcement"], start_s=50.0)
    explanation = explain_silence(words, end_of(words) + 1.0, lang, lookback_s=10.0)
    assert explanation is not None
    assert explanation in " ".join(w.word.strip() for w in words)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_announcement_too_long_before_the_silence_does_not_explain_it(lang: str) -> None:
    words = say(CASES[lang]["announcement"], start_s=50.0)
    assert explain_silence(words, end_of(words) + 15.0, lang, lookback_s=10.0) is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_announcement_after_the_silence_does_not_explain_it(lang: str) -> None:
    words = say(CASES[lang]["announcement"], start_s=50.0)
    assert explain_silence(words, 45.0, lang, lookback_s=10.0) is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_silence_without_announcement_is_unexplained(lang: str) -> None:
    words = say(CASES[lang]["no_announcement"], start_s=50.0)
    assert explain_silence(words, end_of(words) + 1.0, lang, lookback_s=10.0) is None


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("spoken", "name", "used"),
    [
        ("Thank you, Mrs Lopez.", "Maria Lopez", True),
        ("Thank you very much.", "Maria Lopez", False),
        ("Tack för din beställning, Marias order är klar.", "Maria", True),
        ("Ευχαριστώ, κύριε Παπαδόπουλε.", "Γιώργος Παπαδόπουλος", True),
        ("Γιώργο, ευχαριστώ.", "Γιώργος Παπαδόπουλος", True),
        ("Ευχαριστώ, κύριε Παπαδόπουλε.", "Georgios Papadopoulos", True),
        ("Ευχαριστώ πολύ, καλή σας μέρα.", "Γιώργος Παπαδόπουλος", False),
        ("Takk, Ole.", "Ola Nordmann", False),
        ("Thanks, Maria.", "", False),
    ],
)
def test_customer_name_used(spoken: str, name: str, used: bool) -> None:
    assert customer_name_used(say(spoken), name) is used


# --------------------------------------------------------------------------- edge cases


def test_known_company_is_preferred_and_generic_forms_work_without_it() -> None:
    words = say("Good morning, you're speaking with Anna at Nordic Travel. How can I help?")
    known = check_opening(
        words, "en", within_s=15.0, company_names=["Nordic Travel"], agent_name="Anna"
    )
    assert known.company is not None and known.company.text == "at Nordic Travel."
    assert known.introduction is not None and known.introduction.phrase.endswith("{name}")
    unknown = check_opening(words, "en", within_s=15.0)
    assert unknown.passed, unknown


def test_a_bare_company_name_needs_the_company_names() -> None:
    # "Nordic Travel, ..." says the company only to someone who knows it is one.
    words = say("Good morning, Nordic Travel, you're speaking with Anna. How can I help?")
    assert check_opening(words, "en", within_s=15.0).missing == ("company",)
    assert check_opening(words, "en", within_s=15.0, company_names=["Nordic Travel"]).passed


def test_empty_transcripts() -> None:
    opening = check_opening([], "sv", within_s=15.0, agent_name="Anna")
    assert opening.missing == ("greeting", "name", "company")
    assert opening.window_end_s is None
    closing = check_closing([], "nb", within_last_s=30.0)
    assert closing.missing == ("next_step", "thanks", "farewell")
    assert closing.window_start_s is None
    assert check_negative_language([], "el") == []
    assert explain_silence([], 10.0, "en", lookback_s=10.0) is None
    assert customer_name_used([], "Maria") is False


@pytest.mark.parametrize("bad", ["[maybe]", "thank you [very much]", "thank {name", "a||b", "!"])
def test_malformed_patterns_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="phrase"):
        find_phrases(say("thank you very much"), [bad])
