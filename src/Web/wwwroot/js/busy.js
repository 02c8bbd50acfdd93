// A "bezig" page fills in by itself: it asks its address again (the one its refresh link names) until the answer is
// no longer busy, then shows that page's content in place. Without JavaScript the refresh in the page's head does it.
(function () {
  "use strict";
  var busy = document.querySelector("[data-busy-retry]");
  if (!busy || !window.fetch || !window.DOMParser) return;
  var url = busy.getAttribute("data-busy-retry");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (response) {
      var retryAfter = parseInt(response.headers.get("Retry-After"), 10);
      return response.text().then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html");
        var main = next.getElementById("main");
        var stillBusy = next.querySelector("[data-busy-retry]");
        if (response.ok && main && !stillBusy) {
          var here = document.getElementById("main");
          here.innerHTML = main.innerHTML;
          document.title = next.title;
          here.focus();
          return;
        }
        if (stillBusy) url = stillBusy.getAttribute("data-busy-retry");
        setTimeout(poll, retryAfter > 0 ? retryAfter * 1000 : 1000);
      });
    }).catch(function () { setTimeout(poll, 2000); });
  }

  setTimeout(poll, (parseInt(busy.getAttribute("data-busy-seconds"), 10) || 1) * 1000);
})();
