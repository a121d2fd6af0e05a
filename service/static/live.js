// Coaches' live page: the team's live calls (/v1/live/team, the session cookie) with
// their cues as they come; a call ends into a link to its stored recording.
(function () {
  "use strict";
  const L = window.CallcoachLive;
  const grid = document.getElementById("live-calls");
  const empty = document.getElementById("live-empty");
  const count = document.getElementById("live-count");
  const status = document.getElementById("live-status");
  const template = document.getElementById("live-call-template");
  const calls = {};  // call id -> {card, started, seen: {seq: true}, ended}

  function refreshCount() {
    const running = Object.keys(calls).filter(function (id) { return !calls[id].ended; });
    count.textContent = String(running.length);
    empty.hidden = Object.keys(calls).length > 0;
  }

  function addCall(info) {
    if (calls[info.call_id]) return calls[info.call_id];
    const card = template.content.firstElementChild.cloneNode(true);
    card.dataset.callId = info.call_id;
    card.querySelector(".agent").textContent = info.agent_id || "Agent not named";
    card.querySelector(".external").textContent = info.external_id || "";
    L.checklistItems(card.querySelector(".checklist"));
    grid.prepend(card);
    const call = { card: card, started: Date.parse(info.started_at), seen: {}, ended: false };
    calls[info.call_id] = call;
    (info.cues || []).forEach(function (cue) { addCue(call, cue); });
    refreshCount();
    return call;
  }

  function addCue(call, cue) {
    if (call.seen[cue.seq]) return;
    call.seen[cue.seq] = true;
    const list = call.card.querySelector(".cue-list");
    if (cue.state === "progress") {
      L.tickChecklist(call.card.querySelector(".checklist"), cue.detail || {});
      return;
    }
    if (cue.state === "cleared") {
      list.querySelectorAll('li.cue.raised[data-key="' + CSS.escape(cue.key) + '"]').forEach(function (li) {
        li.classList.replace("raised", "cleared");
        const advice = li.querySelector(".cue-advice");
        if (advice) advice.remove();
      });
      return;
    }
    L.insertByTime(list, L.cueElement(cue), cue.at_s);
  }

  function endCall(message) {
    const call = calls[message.call_id];
    if (!call) return;
    call.ended = true;
    call.card.classList.add("ended");
    const note = call.card.querySelector(".ended-note");
    note.hidden = false;
    note.textContent = "Call ended. ";
    if (message.stored) {
      const link = L.el("a", "", "Open the call");
      link.href = "/calls/" + message.call_id;
      note.appendChild(link);
    }
    refreshCount();
  }

  function onMessage(message) {
    if (message.type === "snapshot") {
      message.calls.forEach(addCall);
    } else if (message.type === "call_started") {
      addCall(message.call);
    } else if (message.type === "cue") {
      const call = calls[message.call_id];
      if (call) addCue(call, message.cue);
    } else if (message.type === "call_ended") {
      endCall(message);
    }
  }

  setInterval(function () {
    Object.keys(calls).forEach(function (id) {
      const call = calls[id];
      if (!call.ended) call.card.querySelector(".elapsed").textContent = L.clock((Date.now() - call.started) / 1000);
    });
  }, 1000);

  L.connect("/v1/live/team", null, onMessage, function (state, text) {
    status.dataset.state = state;
    status.textContent = state === "open" ? "Live" : text;
  });
})();
