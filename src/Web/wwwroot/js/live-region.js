// Keeps a server-rendered part of the page current: when the hub says a hold, proposal or request changed, the page
// is fetched again and the part marked data-live-region is replaced (debounced). What changed is said politely in
// #live-notice, so a screen reader hears it without losing its place. Once someone has started typing in the part, it is
// left alone (nothing typed is lost) and the notice asks to reload instead. Without JavaScript the page works on reload.
(function () {
  "use strict";
  var region = document.querySelector("[data-live-region]");
  var notice = document.getElementById("live-notice");
  var hub = window.matchmakerHub;
  if (!region || !hub) return;
  var words = { accepted: "Een voorstel is geaccepteerd.", declined: "Een voorstel is afgewezen.", expired: "Een reservering is verlopen.",
                released: "Een reservering is vrijgegeven.", active: "Er is een reservering geplaatst." };
  var pending = null;
  var said = [];
  var typing = false;
  region.addEventListener("input", function () { typing = true; });
  region.addEventListener("change", function () { typing = true; });

  function say(text) {
    if (!notice || !text || said.indexOf(text) >= 0) return;
    said.push(text);
  }

  function refresh() {
    pending = null;
    if (typing) {
      if (notice && said.length) notice.textContent = said.join(" ") + " Herlaad de pagina om het te zien (wat u invulde gaat dan verloren).";
      said = [];
      return;
    }
    fetch(window.location.href, { credentials: "same-origin", headers: { "X-Requested-With": "live-region" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live-region]");
        if (fresh) region.innerHTML = fresh.innerHTML;
        if (notice && said.length) notice.textContent = "Bijgewerkt. " + said.join(" ");
        said = [];
      });
  }

  function changed(text) {
    say(text);
    if (!pending) pending = setTimeout(refresh, 500);
  }

  var connection = hub.connection;
  connection.on("holdChanged", function (change) { changed(words[change.status]); });
  connection.on("requestChanged", function () { changed("Een aanvraag is gewijzigd."); });
  connection.on("proposalReceived", function () { changed("Er is een nieuw voorstel binnengekomen."); });
  // After a reconnect the part is read again once the hub says the groups are joined again ("subscribed"), so a change
  // between the reconnect and the join is not missed. The first "subscribed" follows the page's own load: nothing to read.
  var subscriptions = 0;
  connection.on("subscribed", function () { if (subscriptions++ > 0) changed(null); });
  hub.started.catch(function () { if (notice) notice.textContent = "Niet live: herlaad de pagina voor de nieuwste stand."; });
})();
