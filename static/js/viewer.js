/* The file page's viewer: on a wide screen, a flag, a receipt's scan, a version or a draft
   opens in the panel beside the note sheet instead of in its own screen. The links work
   without this script (they open the viewer's own screen, as on a phone); the server checks
   and audits each opening the same way in both cases. No inline script: CSP allows 'self'. */
(function () {
  "use strict";
  var desk = document.querySelector("[data-desk]");
  var panel = document.getElementById("viewer");
  if (!desk || !panel || !window.fetch) return;
  var wide = window.matchMedia("(min-width: 961px)");
  var placeholder = panel.innerHTML;
  var busy = false;

  function partial(url) {
    return url + (url.indexOf("?") === -1 ? "?" : "&") + "partial=1";
  }

  function open(url) {
    if (busy) return;
    busy = true;
    panel.setAttribute("aria-busy", "true");
    fetch(partial(url), { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        panel.innerHTML = html;
        desk.classList.add("reading");
        var title = document.getElementById("viewer-title");
        if (title) title.focus({ preventScroll: true });
        var top = panel.getBoundingClientRect().top;
        if (top < 0 || top > window.innerHeight / 2) panel.scrollIntoView({ block: "start" });
      })
      .catch(function () {
        window.location.href = url; /* the viewer's own screen says what went wrong */
      })
      .finally(function () {
        busy = false;
        panel.removeAttribute("aria-busy");
      });
  }

  function close() {
    panel.innerHTML = placeholder;
    desk.classList.remove("reading");
    panel.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    if (!wide.matches || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest("a[data-viewer], a[data-viewer-close]");
    if (!link) return;
    if (link.hasAttribute("data-viewer-close")) {
      if (!panel.contains(link)) return;
      event.preventDefault();
      close();
      return;
    }
    event.preventDefault();
    open(link.href);
  });
})();
