// One connection to the live hub per page, shared by the page's live parts (availability.js, live-region.js, nav-badge.js).
// Each part adds its own handlers to window.matchmakerHub.connection and waits for window.matchmakerHub.started, which
// resolves when the hub says "subscribed" (its groups joined), so a snapshot loaded then misses no change.
(function () {
  "use strict";
  if (!window.signalR) return;
  var connection = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/availability")
    .withAutomaticReconnect([0, 1000, 2000, 5000, 10000, 30000])
    .build();
  var started = new Promise(function (resolve, reject) {
    connection.on("subscribed", function () { document.documentElement.setAttribute("data-hub", "subscribed"); resolve(); });
    connection.start().catch(reject);
  });
  window.matchmakerHub = { connection: connection, started: started };
})();
