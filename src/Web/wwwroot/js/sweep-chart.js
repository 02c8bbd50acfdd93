// Draws the sweep: extra children placed per care type for each extra place; the same numbers are in the table below.
// Hidden counts are gaps in a line, never zeros.
(function () {
  "use strict";
  var canvas = document.getElementById("sweep-chart");
  var data = JSON.parse(document.getElementById("sweep-data").textContent);
  if (!window.Chart || !window.MatchmakerPalette || !canvas) return;
  var colours = window.MatchmakerPalette;
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (series, i) {
        return { label: series.name, data: series.values, borderColor: colours[i % colours.length], backgroundColor: colours[i % colours.length], spanGaps: false };
      })
    },
    options: {
      animation: false,
      scales: {
        x: { title: { display: true, text: "Extra plekken" } },
        y: { beginAtZero: true, title: { display: true, text: "Extra geplaatste kinderen" } }
      }
    }
  });
})();
