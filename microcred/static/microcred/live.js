/* microcred: pages of work that runs in the background (imports, suggestions, embeddings) mark their status region
   with data-live="seconds". The page is fetched again every few seconds and the region swapped in place: no reload,
   no moving focus, and the region is a live region, so a screen reader hears the progress. When the new page no
   longer marks the region (the work ended), the main content is swapped whole, showing the result. Without
   JavaScript the region's "Check again" link does the same by hand (a timed refresh would fail WCAG 2.2.1). */
(function () {
  "use strict";
  var region = document.querySelector("[data-live]");
  var main = document.getElementById("main");
  if (!region || !main || !window.fetch || !window.DOMParser) { return; }
  var seconds = Math.max(1, parseInt(region.getAttribute("data-live"), 10) || 3);

  function tick() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
        if (!fresh) { return; }
        var freshRegion = region.id ? fresh.querySelector("#" + region.id + "[data-live]") : null;
        if (freshRegion) {
          region.innerHTML = freshRegion.innerHTML;
          window.setTimeout(tick, seconds * 1000);
        } else {
          main.innerHTML = fresh.innerHTML;
        }
      })
      .catch(function () { window.setTimeout(tick, seconds * 4000); });  // a hiccup: try again, more slowly
  }
  window.setTimeout(tick, seconds * 1000);
})();
