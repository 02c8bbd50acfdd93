// Draws the waiting trend; the same numbers are in the table beside it for screen readers and without JavaScript.
(function () {
  "use strict";
  var canvas = document.getElementById("trend-chart");
  var data = JSON.parse(document.getElementById("trend-data").textContent);
  if (!window.Chart || !canvas) return;
  new Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: "Wachtende kinderen", data: data.values, backgroundColor: "#154273" }] },
    options: { animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } }
  });
})();
