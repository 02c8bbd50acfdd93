// A badge in the navigation counts what came in while the user was elsewhere: for a desk, providers' answers
// (accepted, declined, expired) next to "Reserveringen"; for a provider, new proposals next to "Voorstellen". The count
// lives in the tab's sessionStorage, so it survives moving between pages, and is cleared on the page it points to.
// A page without its own live part also says what came in, politely, in #nav-notice.
(function () {
  "use strict";
  var hub = window.matchmakerHub;
  var badge = document.querySelector("[data-badge]");
  if (!hub || !badge) return;
  var key = "mm-badge-" + badge.getAttribute("data-badge");
  var target = badge.closest("a").getAttribute("href");
  var notice = document.getElementById("nav-notice");
  var pageIsLive = !!document.querySelector("[data-live-region]");

  function count() { return parseInt(sessionStorage.getItem(key) || "0", 10) || 0; }

  function show() {
    var n = count();
    badge.hidden = n === 0;
    badge.querySelector(".nav-badge__count").textContent = String(n);
  }

  function arrived(text) {
    if (window.location.pathname === target) return;
    sessionStorage.setItem(key, String(count() + 1));
    show();
    if (notice && !pageIsLive) notice.textContent = text;
  }

  if (window.location.pathname === target) sessionStorage.removeItem(key);
  show();
  var words = { accepted: "Een aanbieder heeft een voorstel geaccepteerd.", declined: "Een aanbieder heeft een voorstel afgewezen.",
                expired: "Een reservering is verlopen zonder antwoord." };
  if (badge.getAttribute("data-badge") === "answers")
    hub.connection.on("holdChanged", function (change) { if (words[change.status]) arrived(words[change.status]); });
  else
    hub.connection.on("proposalReceived", function () { arrived("Er is een nieuw voorstel binnengekomen."); });
})();
