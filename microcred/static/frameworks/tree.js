// Loads a branch of a framework's tree when it is opened (deep levels are never rendered up front).
(function () {
  "use strict";
  function load(details) {
    if (details.dataset.loaded) { return; }
    details.dataset.loaded = "1";
    fetch(details.dataset.children, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var holder = details.querySelector(".tree-loading");
        var box = document.createElement("div");
        box.innerHTML = html;
        if (holder) { holder.replaceWith(box); } else { details.appendChild(box); }
      });
  }
  document.addEventListener("toggle", function (event) {
    var target = event.target;
    if (target.tagName === "DETAILS" && target.open && target.dataset.children) { load(target); }
  }, true);
}());
