// A form that comes back with errors: the error summary takes focus, so it is read first and its links lead to the fields.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();

// A form whose work takes a moment says so on its button, once, instead of looking stuck.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("button[data-busy]");
    if (!button) return;
    if (button.getAttribute("aria-disabled") === "true") { event.preventDefault(); return; }
    button.textContent = button.getAttribute("data-busy");
    button.setAttribute("aria-disabled", "true");
  });
})();
