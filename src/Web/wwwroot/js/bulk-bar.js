// The matching round's action bar stays in view while the desk ticks proposals, and says how many are chosen.
(function () {
  "use strict";
  var count = document.getElementById("chosen-count");
  var table = document.getElementById("proposals");
  if (!count || !table) return;
  function update() {
    var n = table.querySelectorAll('input[name="selected"]:checked').length;
    count.textContent = n === 0 ? "Nog niets gekozen." : n === 1 ? "1 voorstel gekozen." : n + " voorstellen gekozen.";
  }
  table.addEventListener("change", update);
  update();
})();
