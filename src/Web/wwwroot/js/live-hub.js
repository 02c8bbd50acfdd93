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
  // Settles once: resolved by the first "subscribed"; rejected when the start fails, the connection closes first, or no
  // "subscribed" comes within 15 s (a node that cannot join the groups), so a page never waits for ever to say it is not live.
  var started = new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("not subscribed")); }, 15000);
    connection.on("subscribed", function () {
      clearTimeout(timer);
      document.documentElement.setAttribute("data-hub", "subscribed");
      resolve();
    });
    connection.onclose(function (error) { clearTimeout(timer); reject(error || new Error("closed")); });
    connection.start().catch(function (error) { clearTimeout(timer); reject(error); });
  });
  window.matchmakerHub = { connection: connection, started: started };
})();
