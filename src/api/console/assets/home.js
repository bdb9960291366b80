// Home dashboard: re-renders the live panel (counts, plots, health) when a console event arrives, at most every 2 s.
(function () {
  "use strict";
  var pending = null;
  var last = 0;
  function refresh() {
    pending = null;
    last = Date.now();
    fetch("/console/home/panel", { credentials: "same-origin" })
      .then(function (res) {
        if (!res.ok) throw new Error(res.statusText);
        return res.text();
      })
      .then(function (html) {
        var panel = document.getElementById("dashboard");
        if (!panel) return;
        panel.innerHTML = html;
        panel.setAttribute("data-refreshed", String(Date.now()));
        window.parley.localizeTimes(panel);
      })
      .catch(function () {
        /* the next event tries again */
      });
  }
  document.addEventListener("parley:event", function () {
    if (pending) return;
    pending = setTimeout(refresh, Math.max(300, 2000 - (Date.now() - last)));
  });
})();
