/* Draws every <canvas data-chart="ID"> from the JSON in <script id="ID">, with Chart.js
   (static/vendor/chartjs). The same numbers are in the table beside each chart, which is
   what screen readers and people who prefer figures use. Right to left in Urdu. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  var rtl = document.documentElement.dir === "rtl";
  var lang = document.documentElement.lang || "en";
  var palette = ["#0b5d4b", "#8a5a00", "#1a5fb4", "#a4161a", "#5b2a86", "#2b7a78", "#6b7280"];
  var style = getComputedStyle(document.body);
  Chart.defaults.font.family = style.fontFamily;
  Chart.defaults.color = "#1b2330";
  var number = new Intl.NumberFormat(lang === "ur" ? "ur-PK" : "en-PK", { maximumFractionDigits: 2 });

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var line = spec.type === "line";
    var datasets = spec.datasets.map(function (ds, i) {
      var colour = palette[i % palette.length];
      return {
        label: ds.label,
        data: ds.data,
        backgroundColor: line ? colour : colour + (spec.datasets.length > 1 && i > 0 ? "80" : ""),
        borderColor: colour,
        borderWidth: line ? 2 : 0,
        tension: 0.2,
        pointRadius: line ? 3 : 0,
      };
    });
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        layout: { padding: { left: 14, right: 14 } },
        locale: lang === "ur" ? "ur-PK" : "en-PK",
        scales: {
          x: { reverse: rtl, offset: true, grid: { display: false } },
          y: {
            position: rtl ? "right" : "left",
            beginAtZero: true,
            suggestedMax: spec.percent ? 100 : undefined,
            ticks: { callback: function (v) { return number.format(v) + (spec.percent ? "%" : ""); } },
            title: { display: !!spec.unit && !spec.percent, text: spec.unit },
          },
        },
        plugins: {
          legend: { display: datasets.length > 1, rtl: rtl, textDirection: rtl ? "rtl" : "ltr", position: "bottom" },
          tooltip: {
            rtl: rtl,
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + number.format(ctx.parsed.y) + (spec.percent ? "%" : "");
              },
            },
          },
        },
      },
    });
  });
  // Charts drawn before the Urdu web font arrived used a fallback font (a missing glyph, a
  // wrong shape); draw them again once the page's fonts are ready.
  if (document.fonts && document.fonts.ready && window.Chart) {
    document.fonts.ready.then(function () {
      Object.values(Chart.instances || {}).forEach(function (chart) { chart.update("none"); });
    });
  }
})();
