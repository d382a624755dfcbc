// 同心库 — behaviours shared by every page. Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";
  // <form data-confirm="确定删除？"> asks before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  // <button data-tree-toggle="open|close"> unfolds or folds every node of the party-organization tree.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-tree-toggle]");
    if (!button) { return; }
    var open = button.getAttribute("data-tree-toggle") === "open";
    document.querySelectorAll(".tree details").forEach(function (node) { node.open = open; });
  });
  // <select data-autosubmit> submits its form when changed.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
})();
