/* Draws the public site's charts with the vendored Chart.js (static/vendor/chartjs/).
   Each <canvas data-chart="ID"> reads its data from <script type="application/json" id="ID">,
   written by the page from the same table it shows beside the chart. Right to left in Urdu. */
(function () {
  "use strict";
  var PALETTE = ["#0b5d4b", "#b7791f", "#1a5fb4", "#a4161a", "#5b2a86", "#2f7d32"];

  function draw() {
    if (!window.Chart) { return; }
    var root = document.documentElement;
    var rtl = root.dir === "rtl";
    Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    Chart.defaults.font.size = rtl ? 13 : 12;
    Chart.defaults.color = "#1b2330";
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      var type = spec.type || "bar";
      var datasets = spec.datasets.map(function (d, i) {
        var colour = PALETTE[i % PALETTE.length];
        return Object.assign({
          backgroundColor: colour,
          borderColor: colour,
          borderWidth: type === "line" ? 2.5 : 0,
          pointRadius: 3.5,
          pointHoverRadius: 5,
          tension: 0,
          spanGaps: false,
          maxBarThickness: 42
        }, d);
      });
      var horizontal = !!spec.horizontal;
      var category = { offset: true, stacked: !!spec.stacked, grid: { display: false }, ticks: { maxRotation: 0, autoSkip: !horizontal } };
      var value = { beginAtZero: true, stacked: !!spec.stacked, grid: { color: "#e6eaef" } };
      var scales = horizontal
        ? { x: Object.assign(value, { reverse: rtl }), y: Object.assign(category, { position: rtl ? "right" : "left" }) }
        : { x: Object.assign(category, { reverse: rtl }), y: Object.assign(value, { position: rtl ? "right" : "left" }) };
      if (horizontal) {
        canvas.parentNode.style.height = Math.max(12, 2.6 * spec.labels.length + 5) + "rem";
      }
      new Chart(canvas, {
        type: type,
        data: { labels: spec.labels, datasets: datasets },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          indexAxis: horizontal ? "y" : "x",
          locale: root.lang === "ur" ? "en-PK" : "en-GB",
          plugins: {
            legend: { display: datasets.length > 1, position: "bottom", rtl: rtl, textDirection: rtl ? "rtl" : "ltr", labels: { boxWidth: 14 } },
            tooltip: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr" }
          },
          scales: scales
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
  // Charts drawn before the Urdu web font arrived used a fallback font (a missing glyph, a
  // wrong shape); draw them again once the page's fonts are ready.
  if (document.fonts && document.fonts.ready && window.Chart) {
    document.fonts.ready.then(function () {
      Object.values(Chart.instances || {}).forEach(function (chart) { chart.update("none"); });
    });
  }
})();
