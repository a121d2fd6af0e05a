"""The opening checklist: greeting, the agent's name and the company, ticking off.

The opening rule's check (``analyzers.phrase_matching.check_opening``: the team
language's phrase lists, with the agent's name and the company names when known) on the
agent's words so far, as each utterance's words arrive. A ``progress`` cue carries the
checklist (``detail``: greeting / name / company) whenever it changes during the
opening (the agent's first ``opening.within_s`` of speech); once that is over with
parts missing, the ``opening`` cue is raised (and cleared when the call ends).
"""

from __future__ import annotations

from analyzers.live.cues import CueSpec
from analyzers.live.state import LiveCall
from analyzers.phrase_matching import check_opening
from analyzers.speech_rate import speaking_time_s

RULE = "opening"
KEY = "opening"
# The opening is over once the agent spoke ``within_s`` or, when the customer does most of
# the talking, once this many times ``within_s`` of call time passed since the agent began.
_CALL_TIME_FACTOR = 2.0
_LABELS = {"greeting": "greeting", "name": "your name", "company": "the company"}


class Opening:
    def __init__(self, call: LiveCall) -> None:
        self.call = call
        rng = call.profile.opening
        self.within_s = rng.within_s
        self.spec = CueSpec(KEY, RULE, "agent", "", None, None, rng.advice)
        self._over = False

    def update(self, now_s: float) -> None:
        return None

    def on_words(self) -> None:
        if self._over or not self.call.agent_words:
            return
        call = self.call
        result = check_opening(
            call.agent_words,
            call.language,
            within_s=self.within_s,
            company_names=call.company_names,
            agent_name=call.agent_name,
        )
        detail: dict[str, bool | str | float] = {
            "greeting": result.greeting is not None,
            "name": result.introduction is not None,
            "company": result.company is not None,
        }
        at = call.last_words_end_s
        done = [k for k, v in detail.items() if v]
        call.board.progress(self.spec, at, detail, f"Opening {len(done)}/3")
        agent = call.speech("agent")
        spoken = speaking_time_s(agent, 0.0, at)
        began = agent[0].start_s if agent else at
        late = at - began >= _CALL_TIME_FACTOR * self.within_s
        if len(done) == len(detail) or spoken >= self.within_s or late:
            self._over = True
            missing = [_LABELS[k] for k, v in detail.items() if not v]
            if missing:
                message = "Opening without " + ", ".join(missing)
                call.board.raise_(self.spec, at, float(len(done)), message, detail)
