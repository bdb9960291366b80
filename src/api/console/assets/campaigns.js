// Campaigns page: progress, counts and status follow campaign.progress / campaign.finished events.
(function () {
  "use strict";
  function fillCounts(list, counts) {
    if (!list) return;
    while (list.firstChild) list.removeChild(list.firstChild);
    var keys = Object.keys(counts || {}).filter(function (k) {
      return counts[k] > 0;
    });
    if (keys.length === 0) {
      var none = document.createElement("li");
      none.textContent = "none yet";
      list.appendChild(none);
    }
    keys.forEach(function (k) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.className = "k";
      name.textContent = k.replace(/_/g, " ");
      var n = document.createElement("span");
      n.className = "n";
      n.textContent = String(counts[k]);
      li.appendChild(name);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(n);
      list.appendChild(li);
    });
  }

  document.addEventListener("parley:event", function (e) {
    var ev = e.detail;
    if (ev.type !== "campaign.progress" && ev.type !== "campaign.finished") return;
    var d = ev.data;
    var id = String(d.campaignId);
    var card = document.querySelector('[data-campaign="' + id + '"]');
    if (!card) {
      window.parley.announce("Campaign " + id + " changed; reload the page to see it.");
      return;
    }
    var total = d.total || 0;
    var done = typeof d.done === "number" ? d.done : total;
    var bar = card.querySelector("[data-campaign-progress]");
    if (bar) {
      bar.max = Math.max(1, total);
      bar.value = done;
      bar.textContent = done + " of " + total;
    }
    var doneText = card.querySelector("[data-campaign-done]");
    if (doneText) doneText.textContent = done + " of " + total + " recipients done";
    var status = card.querySelector("[data-campaign-status]");
    if (status && status.textContent !== d.status) {
      // The controls depend on the status (pause or resume): the server renders the right ones.
      window.location.reload();
      return;
    }
    fillCounts(card.querySelector('[data-counts="status-' + id + '"]'), d.counts);
    fillCounts(card.querySelector('[data-counts="outcome-' + id + '"]'), d.outcomes);
  });
})();
