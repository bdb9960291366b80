// Templates page: "Render and listen" renders the message through the TTS cache and plays it in the page.
// The first request says how much came from the cache; the <audio> element then loads the same URL (all hits).
(function () {
  "use strict";
  document.querySelectorAll("form[data-render]").forEach(function (form) {
    var id = form.getAttribute("data-render");
    var audio = document.querySelector('audio[data-audio-of="' + id + '"]');
    var status = document.querySelector('[data-render-status="' + id + '"]');
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var params = new URLSearchParams(new FormData(form));
      var url = form.getAttribute("action") + "?" + params.toString();
      var button = form.querySelector("button");
      button.disabled = true;
      status.textContent = "Rendering...";
      fetch(url, { credentials: "same-origin" })
        .then(function (res) {
          if (!res.ok) {
            return res.text().then(function (html) {
              var doc = new DOMParser().parseFromString(html, "text/html");
              var msg = doc.querySelector("main p, p");
              throw new Error((msg && msg.textContent) || "the render failed (" + res.status + ")");
            });
          }
          var hits = res.headers.get("x-cache-hits");
          var misses = res.headers.get("x-cache-misses");
          status.textContent =
            "Rendered: " + hits + " piece(s) from the TTS cache, " + misses + " synthesised now. Playing.";
          audio.src = url;
          audio.load();
          var played = audio.play();
          if (played && played.catch) played.catch(function () {}); // autoplay may be refused; the controls remain
        })
        .catch(function (err) {
          status.textContent = "Could not render: " + err.message;
        })
        .finally(function () {
          button.disabled = false;
        });
    });
  });
})();
