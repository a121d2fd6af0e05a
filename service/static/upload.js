// Calls page: upload a recording and follow it from upload to done without reloading.
(function () {
  "use strict";

  const form = document.getElementById("upload-form");
  if (!form) return;
  const box = document.getElementById("upload-progress");
  const bar = document.getElementById("upload-bar");
  const stage = document.getElementById("upload-stage");
  const fileName = document.getElementById("upload-file");
  const result = document.getElementById("upload-result");
  const submit = form.querySelector("button[type=submit]");
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  const POLL_MS = 1000;
  // Share of the bar per phase: the upload itself, then queued, processing, done.
  const PHASE = { uploading: 0, queued: 45, processing: 60, done: 100, failed: 100 };
  const ORDER = ["uploading", "queued", "processing", "done"];

  function show(phase, text, value) {
    box.hidden = false;
    box.dataset.phase = phase;
    box.classList.toggle("failed", phase === "failed");
    box.classList.toggle("done", phase === "done");
    stage.textContent = text;
    bar.value = value;
    const at = ORDER.indexOf(phase);
    box.querySelectorAll(".steps li").forEach(function (li) {
      const i = ORDER.indexOf(li.dataset.step);
      li.classList.toggle("complete", phase === "done" ? true : i < at);
      li.classList.toggle("current", phase !== "done" && i === at);
    });
  }

  function fail(message) {
    show("failed", "Failed", 100);
    result.textContent = message;
    result.className = "result alert error";
    submit.disabled = false;
  }

  function errorText(xhrOrResponse, body) {
    if (body && typeof body.detail === "string") return body.detail;
    if (body && body.detail && body.detail.detail) return body.detail.detail;
    return "The server answered " + xhrOrResponse.status + ".";
  }

  // Re-read the calls table (same filters and order) so the new call shows its status.
  function refreshTable() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        const fresh = new DOMParser().parseFromString(html, "text/html");
        const body = fresh.querySelector("#calls-table tbody");
        const count = fresh.querySelector(".page-head .count");
        if (body) document.querySelector("#calls-table tbody").replaceWith(body);
        if (count) document.querySelector(".page-head .count").textContent = count.textContent;
      })
      .catch(function () { /* the table stays as it was */ });
  }

  function poll(statusUrl, pageUrl, startedAt) {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return [response, body]; });
      })
      .then(function (pair) {
        const response = pair[0], body = pair[1];
        if (!response.ok) { fail(errorText(response, body)); return; }
        const seconds = Math.round((Date.now() - startedAt) / 1000);
        if (body.status === "queued") {
          show("queued", "Queued: waiting for a worker…", PHASE.queued);
        } else if (body.status === "processing") {
          // No stage progress is reported: creep towards 95 % so the bar keeps moving.
          const creep = Math.min(35, seconds * 1.2);
          show("processing", "Processing (transcribing and measuring)… " + seconds + " s", PHASE.processing + creep);
        } else if (body.status === "done") {
          show("done", "Done", PHASE.done);
          result.className = "result alert success";
          result.innerHTML = "";
          const link = document.createElement("a");
          link.href = pageUrl;
          link.id = "upload-open";
          link.textContent = "Open the report";
          result.append("Analysed: " + body.findings_count + " finding" +
                        (body.findings_count === 1 ? "" : "s") + ". ", link);
          submit.disabled = false;
          form.reset();
          refreshTable();
          return;
        } else if (body.status === "failed") {
          fail("The analysis failed: " + (body.error || "unknown error"));
          refreshTable();
          return;
        }
        setTimeout(function () { poll(statusUrl, pageUrl, startedAt); }, POLL_MS);
      })
      .catch(function () {
        // A network blip: keep polling, the call is safe on the server.
        setTimeout(function () { poll(statusUrl, pageUrl, startedAt); }, POLL_MS * 3);
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const file = form.querySelector("input[type=file]").files[0];
    if (!file) return;
    submit.disabled = true;
    result.textContent = "";
    result.className = "result";
    fileName.textContent = file.name;
    show("uploading", "Uploading… 0 %", 0);

    const data = new FormData(form);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      const share = e.loaded / e.total;
      show("uploading", "Uploading… " + Math.round(100 * share) + " %", Math.round(PHASE.queued * share));
    });
    xhr.addEventListener("load", function () {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status !== 202 || !body) { fail(errorText(xhr, body)); return; }
      show("queued", "Queued: waiting for a worker…", PHASE.queued);
      refreshTable();
      poll(body.status_url, body.page_url, Date.now());
    });
    xhr.addEventListener("error", function () { fail("The upload was interrupted (network error)."); });
    xhr.send(data);
  });
})();
