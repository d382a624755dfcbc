// 显示 of a masked ID number or mobile (templates/includes/reveal_field.html). Loaded as a file: the CSP
// allows no inline script. The clear value is only in the response that revealed it; this script puts
// the mask back after a minute so that it does not stay on an unattended screen.
(function () {
  "use strict";
  var REMASK_AFTER_MS = 60 * 1000;

  // the reason box gets the focus as soon as its form opens
  document.addEventListener("shown.bs.collapse", function (event) {
    var input = event.target.querySelector && event.target.querySelector("[data-reveal-reason]");
    if (input) { input.focus(); }
  });

  function scheduleRemask(root) {
    (root || document).querySelectorAll("[data-remask]").forEach(function (el) {
      if (el.hasAttribute("data-remask-scheduled")) { return; }
      el.setAttribute("data-remask-scheduled", "true");
      window.setTimeout(function () {
        el.textContent = el.getAttribute("data-remask");
        el.removeAttribute("href");
        el.classList.remove("fw-semibold");
        var note = el.parentNode && el.parentNode.querySelector("[data-remask-note]");
        if (note) { note.textContent = "已重新隐藏；如需再次查看请刷新页面后再点“显示”"; note.className = "badge text-bg-light border ms-1"; }
      }, REMASK_AFTER_MS);
    });
  }

  document.addEventListener("htmx:afterSettle", function () { scheduleRemask(document); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scheduleRemask(document); });
  } else {
    scheduleRemask(document);
  }
})();
