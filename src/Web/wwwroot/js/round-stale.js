// A matching round is a snapshot. When a place it proposes changes, or a hold or request of the region changes, the
// page says so (politely) instead of silently showing proposals that may no longer hold; a new round has the truth.
(function () {
  "use strict";
  var hub = window.matchmakerHub;
  var note = document.getElementById("round-stale");
  if (!hub || !note) return;
  function stale(why) {
    note.textContent = why + " Deze ronde toont de stand van toen; start een nieuwe ronde voor de nieuwste voorstellen.";
  }
  hub.connection.on("availabilityChanged", function (change) {
    if (document.querySelector('input[name="selected"][value$=":' + change.offeringId + '"]'))
      stale("De beschikbaarheid van een voorgestelde plek is veranderd.");
  });
  hub.connection.on("holdChanged", function () { stale("Er is een reservering van de regio veranderd."); });
  hub.connection.on("requestChanged", function () { stale("Er is een aanvraag van de regio veranderd."); });
})();
