/* microcred catalog: filters apply as they change. The form still works without JavaScript (its Apply button);
   with it, a changed filter or sort fetches the same search page and puts its results and facets in place, keeping
   focus where it was and saying how many micro-credentials match. On wide screens the filters start open. */
(function () {
  "use strict";
  var form = document.getElementById("catalog-filters");
  var filters = document.getElementById("catalog-facets");
  var status = document.getElementById("catalog-status");
  if (!form || !filters || !window.fetch || !window.DOMParser) { return; }
  if (window.matchMedia("(min-width: 48.01rem)").matches) { filters.open = true; }

  var pending = null;
  var timer = null;

  function replace(selector, fresh) {
    var here = document.querySelector(selector);
    var there = fresh.querySelector(selector);
    if (here && there) { here.innerHTML = there.innerHTML; }
  }

  function apply() {
    if (pending) { pending.abort(); }
    var controller = new AbortController();
    pending = controller;
    var params = new URLSearchParams(new FormData(form));
    var url = form.getAttribute("action") + "?" + params.toString();
    fetch(url, { signal: controller.signal, credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        if (controller.signal.aborted) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var focused = document.activeElement && document.activeElement.id;
        replace("#catalog-facets > summary", fresh);
        replace("#catalog-facets .facets", fresh);
        replace(".catalog-results", fresh);
        if (focused && document.activeElement === document.body) {
          var again = document.getElementById(focused);
          if (again) { again.focus(); }
        }
        var heading = document.getElementById("results-heading");
        if (status && heading) { status.textContent = heading.textContent; }
        window.history.replaceState(null, "", url);
        pending = null;
      })
      .catch(function () {
        if (controller.signal.aborted) { return; }
        form.submit();  // the page could not be fetched: the ordinary way
      });
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (!target || target.id === "catalog-q") { return; }  // the search text applies on Enter
    if (pending) { pending.abort(); }
    window.clearTimeout(timer);
    timer = window.setTimeout(apply, 150);
  });
})();
