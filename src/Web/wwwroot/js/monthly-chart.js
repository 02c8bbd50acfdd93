// Draws the 12-month trend as bars stacked by care type; the same numbers are in the table below. A hidden count is a
// gap, never a zero.
(function () {
  "use strict";
  var canvas = document.getElementById("monthly-chart");
  var data = JSON.parse(document.getElementById("monthly-data").textContent);
  if (!window.Chart || !window.MatchmakerPalette || !canvas) return;
  var colours = window.MatchmakerPalette;
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (series, i) {
        return { label: series.name, data: series.values, backgroundColor: colours[i % colours.length] };
      })
    },
    options: { animation: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } }
  });
})();
