// Polls a bulk award's progress and updates the bar until the job is done.
(function () {
  "use strict";
  var box = document.getElementById("bulk-progress");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector(".bulk-text");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        bar.max = Math.max(job.total, 1);
        bar.value = job.processed;
        text.textContent = job.processed + " / " + job.total + " · " + job.awarded + " ✓ · " + job.status;
        if (job.status === "queued" || job.status === "running") { window.setTimeout(poll, 2000); }
      });
  }
  poll();
}());
