/* microcred: a design's form saves itself as a draft (issue 18). The form names its save URL in data-autosave and
   its status region (a polite live region) in data-autosave-status. Two seconds after typing stops, and when the
   page is hidden or left, the form's fields (not its file) are posted there with the form's CSRF token; the server
   reads them as the form's own submit would and answers "Saved at 14:03" or "Not saved: <reason>" with each field
   in error, which is marked aria-invalid until the next save. The first save of a new design creates the draft: the
   page then becomes its edit page (address, form action and save URL), so later saves update that record. One save
   runs at a time, and the form's own submit waits for it. Without JavaScript the form's "Save draft" does it all. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  var status = form && document.getElementById(form.getAttribute("data-autosave-status"));
  if (!form || !status || !window.fetch || !window.FormData || !window.URLSearchParams) { return; }
  var url = form.getAttribute("data-autosave");
  var isNew = form.hasAttribute("data-autosave-new");
  var failed = form.getAttribute("data-autosave-failed") || "";
  var DELAY = 2000;
  var timer = null;
  var running = null;   // the save under way (a promise), if any
  var again = false;    // the form changed while a save was running
  var submitting = false;
  var invalid = [];

  var note = document.querySelector("[data-autosave-note]");
  if (note) { note.hidden = false; }

  function fields() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") { params.append(name, value); }  // files wait for the form's own submit
    });
    return params;
  }

  // What the page was loaded with needs no saving: an edit page shows what is stored, a new form is empty.
  var lastSaved = fields().toString();

  function say(text, ok) {
    status.textContent = text;
    status.classList.toggle("is-error", !ok);
  }

  function mark(errors) {
    invalid.forEach(function (field) { field.removeAttribute("aria-invalid"); });
    invalid = [];
    (errors || []).forEach(function (error) {
      var field = error.input && form.elements.namedItem(error.input);
      if (field && field.setAttribute) {
        field.setAttribute("aria-invalid", "true");
        invalid.push(field);
      }
    });
  }

  function becomeEditPage(answer) {
    isNew = false;
    url = answer.autosave_url;
    form.setAttribute("action", answer.edit_url);
    form.setAttribute("data-autosave", url);
    form.removeAttribute("data-autosave-new");
    if (window.history && window.history.replaceState) { window.history.replaceState(null, "", answer.edit_url); }
    var heading = document.querySelector("main h1") || document.querySelector("h1");
    if (heading && answer.heading) {
      heading.textContent = answer.heading;
      var parts = document.title.split(" · ");
      parts[0] = answer.heading;
      document.title = parts.join(" · ");
    }
  }

  function save(leaving) {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (submitting) { return Promise.resolve(); }
    if (running) { again = true; return running; }
    var params = fields();
    var sent = params.toString();
    if (sent === lastSaved) { return Promise.resolve(); }
    var title = form.elements.namedItem("title");
    if (isNew && title && !title.value.trim()) { return Promise.resolve(); }  // nothing to name the draft by yet
    running = fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!leaving && sent.length < 60000,
      headers: { Accept: "application/json" },
      body: params
    })
      .then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
      })
      .then(function (result) {
        var answer = result.answer || {};
        if (result.ok) {
          lastSaved = sent;
          if (answer.created && answer.edit_url) { becomeEditPage(answer); }
          mark([]);
        } else {
          mark(answer.errors);
        }
        say(answer.message || failed, result.ok);
      })
      .catch(function () { say(failed, false); })
      .then(function () {
        running = null;
        if (again) { again = false; schedule(); }
      });
    return running;
  }

  function schedule() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(function () { save(false); }, DELAY);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(true); }
  });
  window.addEventListener("pagehide", function () { save(true); });

  // The form's own submit waits for a save under way (a new design's first save changes where the form goes).
  form.addEventListener("submit", function (event) {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (submitting) { return; }
    if (running) {
      event.preventDefault();
      running.then(function () { submitting = true; form.submit(); });
      return;
    }
    submitting = true;
  });
})();
