/* A table wider than its box scrolls inside it (.table-wrap, overflow-x: auto). A keyboard
   user must be able to reach and scroll it (WCAG 2.1.1; axe: scrollable-region-focusable),
   so a box that overflows becomes a focusable, named region; one that fits is left alone
   (no needless tab stop). Checked on load and when the window is resized. */
(function () {
  "use strict";
  function label(box) {
    var table = box.querySelector("table");
    var caption = table && table.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var section = box.closest("section, .card, main");
    var heading = section && section.querySelector("h1, h2, h3");
    return heading ? heading.textContent.trim() : document.title;
  }
  function mark() {
    document.querySelectorAll(".table-wrap, .scroll-x").forEach(function (box) {
      if (box.dataset.region === "fixed") return;  // marked in the template itself
      var overflows = box.scrollWidth > box.clientWidth + 1;
      if (overflows && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          box.setAttribute("aria-label", label(box));
        }
        box.dataset.region = "auto";
      } else if (!overflows && box.dataset.region === "auto") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.region;
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
  var timer;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(mark, 150); });
})();
