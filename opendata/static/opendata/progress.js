// Polls the import's status every 2 s and updates the progress bar and its text.
(function () {
  "use strict";
  var box = document.getElementById("od-progress");
  if (!box || box.getAttribute("data-running") !== "1") { return; }
  var bar = document.getElementById("od-progress-bar");
  var text = document.getElementById("od-progress-text");
  function poll() {
    fetch(box.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
        text.textContent = data.status_label + ": " + data.text;
        if (data.status === "queued" || data.status === "running") {
          window.setTimeout(poll, 2000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
