// Call page: play the recording from a finding, a word or a point on the timeline;
// move the playhead and follow along in the transcript; refresh a pending call when done.
(function () {
  "use strict";

  const pending = document.getElementById("pending");
  if (pending && pending.dataset.status !== "failed") {
    const url = pending.dataset.statusUrl;
    const label = document.getElementById("pending-status");
    const check = function () {
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (body) {
          if (body.status === "done" || body.status === "failed") { window.location.reload(); return; }
          if (label) label.textContent = body.status;
          setTimeout(check, 1500);
        })
        .catch(function () { setTimeout(check, 4000); });
    };
    setTimeout(check, 1500);
  }

  const audio = document.getElementById("player");
  const figure = document.getElementById("timeline");
  if (!audio || !figure) return;
  const svg = figure.querySelector("svg");
  const playhead = document.getElementById("playhead");
  const seekArea = document.getElementById("seek-area");
  const nowLabel = document.getElementById("now");
  const duration = parseFloat(figure.dataset.duration);
  const left = parseFloat(figure.dataset.left);
  const right = parseFloat(figure.dataset.right);
  const words = Array.prototype.slice.call(document.querySelectorAll(".w[data-t]"));
  const starts = words.map(function (w) { return parseFloat(w.dataset.t); });
  let currentWord = null;

  function clock(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(r).padStart(2, "0");
  }

  function seek(seconds) {
    const target = Math.max(0, Math.min(seconds, duration));
    const go = function () {
      audio.currentTime = target;
      const playing = audio.play();
      if (playing && playing.catch) playing.catch(function () { /* autoplay refused: stay paused */ });
      render();
    };
    if (audio.readyState >= 1) go();
    else audio.addEventListener("loadedmetadata", go, { once: true });
  }

  function markFinding(index) {
    document.querySelectorAll(".finding.active, .marker.active").forEach(function (el) {
      el.classList.remove("active");
    });
    if (index === undefined || index === null || index === "") return;
    const item = document.getElementById("finding-" + index);
    if (item) item.classList.add("active");
    const marker = svg.querySelector('.marker[data-finding="' + index + '"]');
    if (marker) marker.classList.add("active");
  }

  function wordAt(t) {
    // Last word starting at or before t (binary search), if t is inside it.
    let lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    if (found < 0) return null;
    const w = words[found];
    return t <= parseFloat(w.dataset.end) + 0.15 ? w : null;
  }

  function render() {
    const t = audio.currentTime || 0;
    const x = left + (right - left) * Math.min(1, t / duration);
    playhead.setAttribute("x1", x);
    playhead.setAttribute("x2", x);
    nowLabel.textContent = clock(t);
    const w = wordAt(t);
    if (w !== currentWord) {
      if (currentWord) currentWord.classList.remove("now");
      if (w) w.classList.add("now");
      currentWord = w;
    }
  }

  let frame = null;
  function loop() {
    render();
    frame = audio.paused ? null : requestAnimationFrame(loop);
  }
  audio.addEventListener("play", function () { if (!frame) frame = requestAnimationFrame(loop); });
  audio.addEventListener("timeupdate", render);
  audio.addEventListener("seeked", render);

  document.addEventListener("click", function (event) {
    const target = event.target.closest("[data-seek], .w[data-t]");
    if (!target) return;
    event.preventDefault();
    const t = parseFloat(target.dataset.seek !== undefined ? target.dataset.seek : target.dataset.t);
    if (!isFinite(t)) return;
    markFinding(target.dataset.finding);
    const jumps = target.classList.contains("marker") || target.classList.contains("moment");
    if (jumps && target.dataset.finding !== undefined) {
      const item = document.getElementById("finding-" + target.dataset.finding);
      if (item) item.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
    seek(t);
  });

  const atNow = document.getElementById("note-at-now");
  if (atNow) {
    atNow.addEventListener("click", function () {
      document.getElementById("note-at").value = clock(audio.currentTime || 0);
    });
  }

  // A link to a moment (search hits): /calls/<id>#t=<seconds> plays from there.
  function seekToHash() {
    const match = /^#t=([0-9]+(?:\.[0-9]+)?)$/.exec(window.location.hash);
    if (match) seek(parseFloat(match[1]));
  }
  window.addEventListener("hashchange", seekToHash);
  seekToHash();

  seekArea.addEventListener("click", function (event) {
    const point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const local = point.matrixTransform(svg.getScreenCTM().inverse());
    markFinding(null);
    seek(((local.x - left) / (right - left)) * duration);
  });
})();
