"""Roles stage: the transcript confirms or overrules an agent guessed from the audio.

When nobody said which party is the agent (a mono call's two voices, or a stereo
call with ``agent_channel="auto"``), the parties stage takes the voice heard first
after the answer. The words then have the last say: when the other party's
opening names the company (the call metadata's company names) and the first
voice's does not, the other party is the agent. Greetings and introductions
are no evidence: customers open with them too. A choice the caller made stands.
"""

from __future__ import annotations

from dataclasses import replace

from analyzers.options import SUPPORTED_LANGUAGES, CallMetadata
from analyzers.phrase_matching import check_opening
from analyzers.profile import Profile
from analyzers.report import Speaker, Word
from analyzers.stages.parties import PartyChannels
from analyzers.stages.transcription import Transcript


def confirm_agent(
    parties: PartyChannels,
    transcript: Transcript,
    profile: Profile,
    metadata: CallMetadata | None,
) -> tuple[PartyChannels, Transcript]:
    """The parties (and the transcript's words per party), swapped if the words say so."""
    words, language = transcript.words, transcript.language
    companies = list(metadata.company_names) if metadata else []
    if not parties.agent_guessed or words is None or not companies:
        return parties, transcript
    if language not in SUPPORTED_LANGUAGES:
        return parties, transcript
    assert language is not None
    said = {
        party: names_company(words.get(party, []), language, profile, companies)
        for party in ("agent", "customer")
    }
    if said["agent"]:
        return parties.confirmed(f"named the company ({said['agent']})"), transcript
    if not said["customer"]:
        return parties, transcript
    why = (
        f"the voice that named the company ({said['customer']}) within its first "
        f"{profile.opening.within_s:g} s, though heard second"
    )
    swapped: dict[Speaker, list[Word]] = {
        "agent": words.get("customer", []),
        "customer": words.get("agent", []),
    }
    return parties.swapped(why), replace(transcript, words=swapped)


def names_company(
    words: list[Word], language: str, profile: Profile, company_names: list[str]
) -> str | None:
    """What ``words`` said of the company by name in their opening (None if nothing).

    Only the company's own name counts: greetings and introductions ("hi, this is
    Peter") are how customers open too, and the generic forms ("from *") match
    anything.
    """
    if not words:
        return None
    opening = check_opening(
        words, language, within_s=profile.opening.within_s, company_names=company_names
    )
    match = opening.company
    return match.text if match is not None and "{company}" in match.phrase else None
