// Live availability for the desk: applies availabilityChanged events in place, newest version wins;
// after a reconnect it reloads the snapshot so that nothing missed while away stays wrong.
(function () {
  "use strict";
  var script = document.currentScript;
  var region = script.dataset.region;
  var staleHours = parseFloat(script.dataset.staleHours);
  var state = document.getElementById("live-state");

  function setState(name, text) {
    state.dataset.state = name;
    state.textContent = text;
  }

  function hoursAgoText(iso) {
    var hours = (Date.now() - new Date(iso).getTime()) / 3600000;
    var text = hours < 1 ? "minder dan een uur geleden" : hours < 2 ? "1 uur geleden"
      : hours < 48 ? Math.floor(hours) + " uur geleden" : Math.floor(hours / 24) + " dagen geleden";
    return { text: text, stale: hours > staleHours };
  }

  function renderConfirmed(cell, iso) {
    var ago = hoursAgoText(iso);
    cell.dataset.confirmed = iso;
    cell.textContent = ago.text;
    if (ago.stale) {
      var badge = document.createElement("span");
      badge.className = "badge badge--stale";
      badge.textContent = "verouderd";
      cell.append(" ", badge);
    }
  }

  function recomputeTotals() {
    document.querySelectorAll("[data-care-total]").forEach(function (cell) {
      var type = cell.dataset.careTotal;
      var sum = 0;
      document.querySelectorAll('tr[data-care-type="' + type + '"] [data-free]').forEach(function (free) {
        sum += Math.max(0, parseInt(free.textContent, 10) || 0);
      });
      cell.textContent = sum;
    });
  }

  function apply(change) {
    var row = document.querySelector('tr[data-offering="' + change.offeringId + '"]');
    if (!row || Number(row.dataset.version) >= change.version) return;
    row.dataset.version = change.version;
    row.querySelector("[data-free]").textContent = change.freeUnits;
    row.querySelector("[data-total]").textContent = change.totalUnits;
    renderConfirmed(row.querySelector("[data-confirmed]"), change.lastConfirmedAt);
    row.classList.remove("changed");
    void row.offsetWidth;
    row.classList.add("changed");
    recomputeTotals();
  }

  function reloadSnapshot() {
    return fetch("/api/v1/regions/" + encodeURIComponent(region) + "/availability", { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (snapshot) {
        if (!snapshot) return;
        snapshot.offerings.forEach(function (offering) {
          apply({ offeringId: offering.offeringId, version: offering.version, freeUnits: offering.freeUnits,
                  totalUnits: offering.totalUnits, lastConfirmedAt: offering.lastConfirmedAt });
        });
      });
  }

  var hub = window.matchmakerHub;
  if (!hub) return;
  var connection = hub.connection;
  connection.on("availabilityChanged", apply);
  connection.onreconnecting(function () { setState("reconnecting", "opnieuw verbinden…"); });
  // "subscribed" comes after every (re)connect once this page's groups are joined: the snapshot read then misses nothing.
  connection.on("subscribed", function () { setState("live", "live"); reloadSnapshot(); });
  connection.onclose(function () { setState("offline", "niet live (verbinding verbroken; herlaad de pagina)"); });
  hub.started.catch(function () { setState("offline", "niet live (verbinding mislukt; herlaad de pagina)"); });
})();
