// A form that comes back with errors: the error summary takes focus, so it is read first and its links lead to the fields.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
