/* microcred: the main navigation collapses behind a "Menu" button on narrow screens (WAI-ARIA disclosure).
   Without JavaScript the button stays hidden and the whole navigation shows, wrapped to the screen's width. */
(function () {
  "use strict";
  var toggle = document.querySelector(".nav-toggle");
  var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!toggle || !menu) { return; }
  var narrow = window.matchMedia("(max-width: 48rem)");

  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-collapsed", !open);
  }

  document.documentElement.classList.add("has-nav-toggle");
  toggle.hidden = false;
  setOpen(!narrow.matches);
  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  // Escape closes the open menu and gives focus back to its button.
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && narrow.matches) {
      setOpen(false);
      toggle.focus();
    }
  });
  narrow.addEventListener("change", function () { setOpen(!narrow.matches); });
})();
