// The provider's counts without a reload: each form marked data-counts (±1, the typed counts, "Nog steeds juist",
// "Alles nog juist") is sent as it is, with fetch, asking for JSON. The answer carries the rows' new figures; only those
// figures change, so the button keeps its focus and the page its place, and the confirmation is said by the row
// (aria-live). A refusal stands beside the row's counts. Without JavaScript, or when the answer is not what we expect,
// the form is posted the ordinary way and the page comes back with the same message.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;
  var sent = {};

  function setText(row, name, value) {
    var element = row.querySelector('[data-figure="' + name + '"]');
    if (!element) return;
    if (element.tagName === "INPUT") { if (document.activeElement !== element) element.value = value; }
    else element.textContent = value;
  }

  function update(figures, message, say) {
    var row = document.querySelector('tr[data-offering="' + figures.offeringId + '"]');
    if (!row) return;
    setText(row, "free", figures.freeUnits);
    setText(row, "held", figures.heldUnits);
    setText(row, "total", figures.totalUnits);
    setText(row, "occupied", figures.occupiedUnits);
    setText(row, "confirmed", figures.confirmed);
    var stale = row.querySelector('[data-figure="stale"]');
    if (stale) stale.hidden = !figures.stale;
    var error = row.querySelector("[data-row-error]");
    if (error) error.textContent = "";
    row.querySelectorAll("input[aria-invalid]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
    var notice = row.querySelector("[data-row-notice]");
    if (notice && say) notice.textContent = message;
    row.classList.remove("changed");
    void row.offsetWidth;
    row.classList.add("changed");
  }

  function refuse(answer) {
    var row = document.querySelector('tr[data-offering="' + answer.offeringId + '"]');
    if (!row) return false;
    var error = row.querySelector("[data-row-error]");
    if (error) error.textContent = answer.message;
    row.querySelectorAll("input[data-figure]").forEach(function (input) { input.setAttribute("aria-invalid", "true"); });
    // The refusal is said once, beside the fields (a live region too); the row's notice is for what was saved.
    var notice = row.querySelector("[data-row-notice]");
    if (notice) notice.textContent = "";
    return true;
  }

  function plainPost(form, submitter) {
    form.setAttribute("data-plain", "true");
    if (form.requestSubmit) form.requestSubmit(submitter || undefined);
    else form.submit();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-counts") || form.hasAttribute("data-plain")) return;
    event.preventDefault();
    var submitter = event.submitter || null;
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    // Quick clicks all count (a step is relative); only the last answer of a form is shown.
    var key = form.getAttribute("action") + "|" + (data.get("offeringId") || data.get("locationId"));
    var number = (sent[key] || 0) + 1;
    sent[key] = number;
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) {
      var json = (response.headers.get("content-type") || "").indexOf("application/json") >= 0;
      if (!json || (!response.ok && response.status !== 422)) throw new Error("not an answer");
      return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
    }).then(function (result) {
      if (sent[key] !== number) return;
      if (!result.ok) { if (!refuse(result.answer)) plainPost(form, submitter); return; }
      var rows = result.answer.rows || [];
      rows.forEach(function (figures) { update(figures, result.answer.message, rows.length === 1); });
      var locationNotice = form.querySelector("[data-location-notice]");
      if (locationNotice) locationNotice.textContent = result.answer.message;
    }).catch(function () { plainPost(form, submitter); });
  });
})();
