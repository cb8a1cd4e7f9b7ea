/* microcred LTI: a form the browser hands on to the learning platform at once (the deep-linking response). The page
   keeps its button for browsers without JavaScript. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosubmit]");
  if (form) { form.submit(); }
})();
