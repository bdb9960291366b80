// Voicemail inbox: selection without page loads, keyboard shortcuts, actions
// over fetch, and live updates (new messages, status changes from other pages).
// Without this script the page still works: links select, forms post.
(function () {
  "use strict";
  var list, pane, filterQuery;
  // Messages this page changed a moment ago: their echo from the live stream is not announced twice.
  var mine = {};

  function rows() {
    return Array.prototype.slice.call(list.querySelectorAll(".vm-row"));
  }
  function selectedId() {
    var a = list.querySelector('.vm-link[aria-current="true"]');
    return a ? a.getAttribute("data-select") : null;
  }

  function select(id, focus) {
    var link = list.querySelector('.vm-link[data-select="' + id + '"]');
    if (!link) return;
    list.querySelectorAll(".vm-link[aria-current]").forEach(function (a) {
      a.removeAttribute("aria-current");
    });
    link.setAttribute("aria-current", "true");
    pane.querySelectorAll(".vm-detail").forEach(function (d) {
      if (d.getAttribute("data-id") !== String(id)) {
        d.hidden = true;
        var audio = d.querySelector("audio");
        if (audio && !audio.paused) audio.pause();
      } else d.hidden = false;
    });
    var hint = document.getElementById("no-selection");
    if (hint) hint.hidden = true;
    if (focus) link.focus();
    link.scrollIntoView({ block: "nearest" });
    var url = new URL(window.location.href);
    url.searchParams.set("selected", id);
    history.replaceState(null, "", url.pathname + url.search);
  }

  function move(step) {
    var all = rows();
    if (all.length === 0) return;
    var current = selectedId();
    var i = all.findIndex(function (r) {
      return r.getAttribute("data-id") === current;
    });
    var next = i === -1 ? 0 : Math.min(all.length - 1, Math.max(0, i + step));
    select(all[next].getAttribute("data-id"), true);
  }

  function detail(id) {
    return document.getElementById("vm-" + id);
  }

  function act(status) {
    var id = selectedId();
    if (!id) return;
    var input = detail(id) && detail(id).querySelector('.actions input[name="status"][value="' + status + '"]');
    if (!input) return; // already in that status
    var button = input.form && input.form.querySelector("button");
    if (button && button.disabled) {
      window.parley.announce("This message is still being transcribed.");
      return;
    }
    setStatus(id, status);
  }

  function setStatus(id, status) {
    mine[id] = Date.now();
    window.parley
      .post("/console/voicemails/" + id + "/status", { status: status })
      .then(function () {
        return refresh(id, "changed");
      })
      .catch(function (err) {
        window.parley.announce("Could not change voicemail " + id + ": " + err.message);
      });
  }

  /** Re-reads one message from the server and puts it in place (or in order, when new and it fits the filter). */
  function refresh(id, why) {
    return fetch("/console/inbox/items/" + id + filterQuery, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    }).then(function (res) {
      if (res.status === 404) return remove(id);
      if (!res.ok) return;
      var fits = res.headers.get("x-inbox-match") === "1";
      return res.text().then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var row = doc.querySelector(".vm-row");
        var det = doc.querySelector(".vm-detail");
        if (!row || !det) return;
        row = document.adoptNode(row);
        det = document.adoptNode(det);
        window.parley.localizeTimes(row);
        window.parley.localizeTimes(det);
        var oldRow = document.getElementById("row-" + id);
        var oldDet = detail(id);
        if (oldRow) {
          var wasSelected = selectedId() === String(id);
          var hadFocus = oldRow.contains(document.activeElement);
          keepPlayingAudio(oldDet, det);
          oldRow.replaceWith(row);
          if (oldDet) oldDet.replaceWith(det);
          else pane.appendChild(det);
          if (wasSelected) {
            row.querySelector(".vm-link").setAttribute("aria-current", "true");
            det.hidden = false;
          }
          if (hadFocus) row.querySelector(".vm-link").focus();
          var status = row.querySelector(".status");
          if (why === "changed" && status) window.parley.announce("Marked " + status.textContent.toLowerCase() + ".");
          else if (why === "live" && status)
            window.parley.announce("Voicemail from " + callerText(row) + " is now " + status.textContent + ".");
        } else if (fits) {
          insertInOrder(row);
          pane.appendChild(det);
          var empty = document.querySelector(".list-pane .empty");
          if (empty) empty.remove();
          window.parley.announce("New voicemail from " + callerText(row) + ".");
        }
      });
    });
  }

  function callerText(row) {
    var c = row.querySelector(".vm-caller");
    return c ? c.textContent : "a caller";
  }

  /** A message being listened to keeps playing while its panel is refreshed. */
  function keepPlayingAudio(oldDet, newDet) {
    var playing = oldDet && oldDet.querySelector("audio");
    var fresh = newDet.querySelector("audio");
    if (playing && fresh && !playing.paused) fresh.replaceWith(playing);
  }

  function insertInOrder(row) {
    var u = Number(row.getAttribute("data-urgency"));
    var id = Number(row.getAttribute("data-id"));
    var before = rows().find(function (r) {
      var ru = Number(r.getAttribute("data-urgency"));
      return ru < u || (ru === u && Number(r.getAttribute("data-id")) < id);
    });
    if (before) list.insertBefore(row, before);
    else list.appendChild(row);
  }

  function remove(id) {
    var r = document.getElementById("row-" + id);
    var d = detail(id);
    if (r) r.remove();
    if (d) d.remove();
  }

  function typing(e) {
    var t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
    var help = document.getElementById("help");
    if (help && help.open) return;
    var handled = true;
    switch (e.key) {
      case "j":
        move(1);
        break;
      case "k":
        move(-1);
        break;
      case "h":
        act("handled");
        break;
      case "a":
        act("archived");
        break;
      case "e":
        act("escalated");
        break;
      case "u":
        act("processed");
        break;
      case "p": {
        var id = selectedId();
        var audio = id && detail(id) && detail(id).querySelector("audio");
        if (audio) {
          if (audio.paused) audio.play().catch(function () {});
          else audio.pause();
        }
        break;
      }
      case "/":
        document.getElementById("f-tag").focus();
        break;
      case "?":
        if (help) help.showModal();
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  }

  document.addEventListener("DOMContentLoaded", function () {
    list = document.getElementById("vm-list");
    pane = document.getElementById("detail-pane");
    if (!list || !pane) return;
    var inbox = document.querySelector(".inbox");
    var f = inbox ? inbox.getAttribute("data-filter") || "" : "";
    filterQuery = f.indexOf("?") >= 0 ? f.slice(f.indexOf("?")) : "";
    list.addEventListener("click", function (e) {
      var link = e.target.closest(".vm-link");
      if (!link || e.ctrlKey || e.metaKey || e.shiftKey) return;
      e.preventDefault();
      select(link.getAttribute("data-select"), true);
    });
    pane.addEventListener("submit", function (e) {
      var form = e.target;
      var status = form.querySelector('input[name="status"]');
      var det = form.closest(".vm-detail");
      if (!status || !det) return;
      e.preventDefault();
      setStatus(det.getAttribute("data-id"), status.value);
    });
    document.addEventListener("keydown", onKey);
    document.addEventListener("parley:event", function (e) {
      var ev = e.detail;
      if (ev.type.indexOf("voicemail.") !== 0 || ev.type === "voicemail.urgent") return;
      var id = ev.data.voicemailId;
      refresh(id, mine[id] && Date.now() - mine[id] < 5000 ? "quiet" : "live");
    });
  });
})();
