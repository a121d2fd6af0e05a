"""Roles stage: the party whose words open the call is the agent, when the agent
was guessed from the audio; a caller's choice stands."""

from __future__ import annotations

from analyzers.options import AnalysisOptions, CallMetadata
from analyzers.report import Word
from analyzers.stages.roles import confirm_agent, names_company
from analyzers.stages.transcription import Transcript
from sample_audio.spec import CallTruth
from tests.analyzers.call_cache import built_call
from tests.analyzers.stages.calls import PROFILE, early_stages, truth


def _words(call: CallTruth, party: str) -> list[Word]:
    """Each of the party's utterances' words, spread evenly over its placed time."""
    out = []
    for u in (u for u in call.utterances if u.party == party):
        texts = u.text.split()
        step = (u.end_s - u.start_s) / len(texts)
        out += [
            Word(word=f" {w}", start_s=u.start_s + i * step, end_s=u.start_s + (i + 1) * step)
            for i, w in enumerate(texts)
        ]
    return out


def _transcript(call: CallTruth, as_agent: str, as_customer: str) -> Transcript:
    return Transcript(
        "en", words={"agent": _words(call, as_agent), "customer": _words(call, as_customer)}
    )


def _spoken_call() -> CallTruth:
    """The generated good call (the committed samples' agent does not name a company)."""
    return built_call("good_call")[2]


def _metadata(call: CallTruth) -> CallMetadata:
    return CallMetadata(agent_name=call.agent_name, company_names=[call.company or ""])


def test_the_opening_words_say_who_the_agent_is() -> None:
    call = _spoken_call()
    agent, customer = _words(call, "agent"), _words(call, "customer")
    # "Hi Anna, this is Peter" opens the customer's first turn: only the company says it.
    assert names_company(agent, "en", PROFILE, ["Nordic Travel"]) == "at Nordic Travel."
    assert names_company(customer, "en", PROFILE, ["Nordic Travel"]) is None


def test_a_guessed_agent_is_swapped_when_the_other_voice_opened_the_call() -> None:
    call = _spoken_call()
    _, _, _, parties = early_stages("good_call", mono=True)
    assert parties.agent_guessed
    # As if the diarizer had taken the customer's voice for the agent's.
    wrong = Transcript(
        "en", words={"agent": _words(call, "customer"), "customer": _words(call, "agent")}
    )
    fixed, transcript = confirm_agent(parties, wrong, PROFILE, _metadata(call))
    assert fixed.channels == {"agent": 1, "customer": 0}
    assert transcript.words is not None and transcript.words["agent"] == _words(call, "agent")
    assert fixed.separation is not None and "named the company" in fixed.separation.agent
    assert fixed.separation.agent_basis == "company_name"
    right = Transcript(
        "en", words={"agent": _words(call, "agent"), "customer": _words(call, "customer")}
    )
    # The first voice named the company: the guess stands, now confirmed by the words.
    kept, words = confirm_agent(parties, right, PROFILE, _metadata(call))
    assert kept.channels == parties.channels and words == right
    assert kept.separation is not None and kept.separation.agent_basis == "company_name"
    assert kept.separation.agent.startswith("the voice heard first after the answer, and named")


def test_an_agent_the_caller_named_stands() -> None:
    call = truth("good_call")
    _, _, _, parties = early_stages("good_call")  # stereo, agent_channel given
    assert not parties.agent_guessed
    wrong = Transcript(
        "en", words={"agent": _words(call, "customer"), "customer": _words(call, "agent")}
    )
    assert confirm_agent(parties, wrong, PROFILE, _metadata(call))[0] is parties


def test_auto_agent_channel_picks_the_channel_heard_first() -> None:
    from analyzers.stages.activity import find_activity
    from analyzers.stages.parties import assign_parties
    from tests.analyzers.stages.calls import decoded

    for name in ("good_call", "interrupting", "dead_air"):
        _, pickup, _, _ = early_stages(name)
        parties = assign_parties(
            decoded(name),
            find_activity(decoded(name), pickup, PROFILE),
            AnalysisOptions(agent_channel="auto"),
        )
        assert parties.agent_channel == truth(name).agent_channel, name
        assert parties.agent_guessed and parties.separation is not None
        assert "heard first" in parties.separation.agent
