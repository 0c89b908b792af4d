// Refreshes a progress box in the admin (mass mailing, tax import) every 3 s until finished.
// The box names its JSON URL in data-url; [data-field] cells take the value of that key,
// [data-count] cells the value of that key of "counts".
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || box.dataset.finished === "1") { return; }
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        document.getElementById("job-bar").value = data.percent;
        box.querySelectorAll("[data-field]").forEach(function (el) {
          var value = data[el.dataset.field];
          el.textContent = value === null || value === undefined ? "–" : String(value);
        });
        box.querySelectorAll("[data-count]").forEach(function (el) {
          el.textContent = String((data.counts || {})[el.dataset.count] || 0);
        });
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 3000); }
      });
  }
  window.setTimeout(poll, 3000);
})();
