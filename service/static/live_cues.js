// Live cues: what the coaches' live page and the agent's screen share. A socket that
// reconnects (unless the server refused the key), and cue elements.
window.CallcoachLive = (function () {
  "use strict";

  const REFUSED = [4400, 4401, 4403];  // bad message or key: reconnecting would not help

  function clock(seconds) {
    const s = Math.max(0, Math.floor(seconds || 0));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(r).padStart(2, "0");
  }

  function number(value) {
    if (value === null || value === undefined) return "";
    return Math.abs(value) >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
  }

  function rangeText(cue) {
    const unit = cue.unit ? " " + cue.unit : "";
    if (cue.low !== null && cue.high !== null) return number(cue.low) + "–" + number(cue.high) + unit;
    if (cue.high !== null) return "at most " + number(cue.high) + unit;
    if (cue.low !== null) return "at least " + number(cue.low) + unit;
    return "";
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // One cue as a list item: message, when, measured against the range, advice.
  function cueElement(cue) {
    const item = el("li", "cue " + cue.state);
    item.dataset.key = cue.key;
    item.dataset.rule = cue.rule;
    const head = el("div", "cue-head");
    head.appendChild(el("span", "cue-message", cue.message));
    head.appendChild(el("span", "cue-time", clock(cue.at_s)));
    item.appendChild(head);
    const parts = [];
    if (cue.measured !== null && cue.unit && cue.state !== "progress") {
      // A step from a usual level reads with its sign: "+11 dB vs usual".
      const sign = cue.unit.indexOf(" vs ") > 0 && cue.measured > 0 ? "+" : "";
      parts.push(sign + number(cue.measured) + " " + cue.unit);
    }
    const range = rangeText(cue);
    if (range) parts.push("range " + range);
    if (parts.length) item.appendChild(el("div", "cue-values", parts.join(" · ")));
    if (cue.advice && cue.state === "raised") item.appendChild(el("div", "cue-advice", cue.advice));
    return item;
  }

  // The opening checklist's items from a progress cue's detail.
  function tickChecklist(list, detail) {
    list.querySelectorAll("li[data-item]").forEach(function (li) {
      li.classList.toggle("done", detail[li.dataset.item] === true);
    });
  }

  function checklistItems(list) {
    [["greeting", "Greeting"], ["name", "Name"], ["company", "Company"]].forEach(function (pair) {
      const li = el("li", "", pair[1]);
      li.dataset.item = pair[0];
      list.appendChild(li);
    });
  }

  // Insert a cue's element into a list kept newest first by the time it became true.
  function insertByTime(list, item, atS) {
    item.dataset.at = String(atS);
    const later = Array.prototype.find.call(list.children, function (li) {
      return parseFloat(li.dataset.at) < atS;
    });
    list.insertBefore(item, later || null);
  }

  function socketUrl(path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  }

  // Open ``path``; send the key first when given; hand each message to ``onMessage``;
  // ``onStatus(state, text)`` with state open | closed | error; reconnect with backoff.
  function connect(path, key, onMessage, onStatus) {
    let delay = 1000, stopped = false, socket = null;
    function open() {
      socket = new WebSocket(socketUrl(path));
      socket.onopen = function () {
        delay = 1000;
        if (key) socket.send(JSON.stringify({ type: "auth", key: key }));
        onStatus("open", "Connected");
      };
      socket.onmessage = function (event) {
        let body;
        try { body = JSON.parse(event.data); } catch (e) { return; }
        if (body.type === "error") { onStatus("error", body.detail + " (" + body.code + ")"); return; }
        onMessage(body);
      };
      socket.onclose = function (event) {
        if (stopped) return;
        if (REFUSED.indexOf(event.code) >= 0) {
          stopped = true;
          onStatus("error", event.reason || "Refused");
          return;
        }
        onStatus("closed", "Reconnecting…");
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 15000);
      };
    }
    open();
    return { close: function () { stopped = true; if (socket) socket.close(); } };
  }

  return { clock: clock, cueElement: cueElement, tickChecklist: tickChecklist,
           checklistItems: checklistItems, connect: connect, el: el, insertByTime: insertByTime };
})();
