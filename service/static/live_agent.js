// The agent's screen: the agent's key (kept in this tab's sessionStorage) opens
// /v1/live/agent; raised cues show under "Now" until they clear, the opening checklist
// ticks, and cleared cues move to "Earlier in this call".
(function () {
  "use strict";
  const L = window.CallcoachLive;
  const STORE = "callcoach.agentKey";
  const form = document.getElementById("key-form");
  const input = document.getElementById("agent-key");
  const screen = document.getElementById("screen");
  const status = document.getElementById("live-status");
  const callState = document.getElementById("call-state");
  const elapsed = document.getElementById("elapsed");
  const now = document.getElementById("now");
  const nowEmpty = document.getElementById("now-empty");
  const earlier = document.getElementById("earlier");
  const checklist = document.getElementById("checklist");
  const agentLine = document.getElementById("agent-line");
  let socket = null, current = null, started = null, seen = {};

  function resetCall(info) {
    current = info.call_id;
    started = Date.parse(info.started_at);
    seen = {};
    now.textContent = "";
    earlier.textContent = "";
    L.tickChecklist(checklist, {});
    callState.textContent = "On a call";
    nowEmpty.hidden = false;
    (info.cues || []).forEach(showCue);
  }

  function showCue(cue) {
    if (seen[cue.seq]) return;
    seen[cue.seq] = true;
    if (cue.state === "progress") { L.tickChecklist(checklist, cue.detail || {}); return; }
    if (cue.state === "raised") {
      const item = L.cueElement(cue);
      item.setAttribute("role", "alert");
      now.appendChild(item);
    } else {
      now.querySelectorAll('.cue[data-key="' + CSS.escape(cue.key) + '"]').forEach(function (node) {
        node.remove();
      });
      L.insertByTime(earlier, L.cueElement(cue), cue.at_s);
    }
    nowEmpty.hidden = now.querySelectorAll(".cue").length > 0;
  }

  function onMessage(message) {
    if (message.type === "snapshot") {
      agentLine.textContent = "Cues for " + message.agent_id + " (team " + message.team + ").";
      if (message.calls.length) resetCall(message.calls[message.calls.length - 1]);
    } else if (message.type === "call_started") {
      resetCall(message.call);
    } else if (message.type === "cue" && message.call_id === current) {
      showCue(message.cue);
    } else if (message.type === "call_ended" && message.call_id === current) {
      callState.textContent = "Call ended: waiting for your next call";
      started = null;
      elapsed.textContent = "";
    }
  }

  function start(key) {
    form.hidden = true;
    screen.hidden = false;
    socket = L.connect("/v1/live/agent", key, onMessage, function (state, text) {
      status.dataset.state = state;
      status.textContent = state === "open" ? "Connected" : text;
      if (state === "error") {  // a wrong or revoked key: ask again
        sessionStorage.removeItem(STORE);
        form.hidden = false;
        screen.hidden = true;
      }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    sessionStorage.setItem(STORE, key);
    input.value = "";
    start(key);
  });

  document.getElementById("forget").addEventListener("click", function () {
    sessionStorage.removeItem(STORE);
    if (socket) socket.close();
    window.location.reload();
  });

  setInterval(function () {
    if (started !== null) elapsed.textContent = L.clock((Date.now() - started) / 1000);
  }, 1000);

  const saved = sessionStorage.getItem(STORE);
  if (saved) start(saved);
})();
