// Parley console: what every page shares. Plain script, no build step.
// - times in the browser's own zone, - a CSRF-carrying POST helper,
// - one live-update stream (SSE) re-dispatched as "parley:event" DOM events,
// - an aria-live region for announcing what changed.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  function localizeTimes(root) {
    var times = (root || document).querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var t = times[i];
      var d = new Date(t.getAttribute("datetime"));
      if (isNaN(d.getTime())) continue;
      t.title = t.getAttribute("datetime");
      t.textContent = d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    }
  }

  var liveTimer = null;
  function announce(text) {
    var region = document.getElementById("live");
    if (!region) return;
    // Clear first so the same message twice is still read out.
    region.textContent = "";
    clearTimeout(liveTimer);
    liveTimer = setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  /** POSTs form fields with the session's CSRF token; resolves with the parsed JSON answer or rejects with its message. */
  function post(url, fields) {
    var body = new URLSearchParams();
    Object.keys(fields || {}).forEach(function (k) {
      body.append(k, fields[k]);
    });
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "X-CSRF-Token": csrf,
        Accept: "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: body,
    }).then(function (res) {
      return res.text().then(function (text) {
        var json = null;
        try {
          json = JSON.parse(text);
        } catch (e) {
          /* an HTML error page */
        }
        if (!res.ok)
          throw new Error((json && json.error && json.error.message) || text.slice(0, 200) || res.statusText);
        return json;
      });
    });
  }

  var TYPES = [
    "voicemail.received",
    "voicemail.processed",
    "voicemail.updated",
    "voicemail.deleted",
    "voicemail.urgent",
    "job.dead",
    "campaign.progress",
    "campaign.finished",
  ];
  function connect() {
    if (!window.EventSource) return;
    var source = new EventSource("/console/events");
    TYPES.forEach(function (type) {
      source.addEventListener(type, function (e) {
        var envelope;
        try {
          envelope = JSON.parse(e.data);
        } catch (err) {
          return;
        }
        document.dispatchEvent(new CustomEvent("parley:event", { detail: envelope }));
      });
    });
    source.addEventListener("open", function () {
      document.body.setAttribute("data-live", "on");
    });
    source.addEventListener("error", function () {
      document.body.setAttribute("data-live", "off");
    });
  }

  document.addEventListener("parley:event", function (e) {
    var ev = e.detail;
    if (ev.type === "voicemail.urgent") announce("Urgent voicemail: " + (ev.data.summary || "no summary"));
    if (ev.type === "job.dead") announce("A " + ev.data.kind + " job failed for good.");
  });

  window.parley = { csrf: csrf, post: post, announce: announce, localizeTimes: localizeTimes };
  document.addEventListener("DOMContentLoaded", function () {
    localizeTimes(document);
    connect();
  });
})();
