// A form field shown only while another field has a given value: <select data-show-when-field="kind"
// data-show-when-value="party_day"> (e.g. 主题党日类型 only for a 主题党日). A hidden field is also disabled, so
// it is not posted: the server's rule refuses a value that does not belong, and a hidden one cannot be fixed.
// Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";
  function wrapperOf(input) { return input.closest(".mb-3") || input.parentElement; }
  function setUp(input) {
    var form = input.form;
    var controller = form && form.elements.namedItem(input.getAttribute("data-show-when-field"));
    if (!controller) { return; }
    var wanted = input.getAttribute("data-show-when-value");
    var hasError = !!wrapperOf(input).querySelector(".invalid-feedback");
    function update() {
      // a field with an error message stays visible: the person must see what to fix
      var shown = controller.value === wanted || hasError;
      wrapperOf(input).hidden = !shown;
      input.disabled = !shown;
    }
    controller.addEventListener("change", function () { hasError = false; update(); });
    update();
  }
  function setUpAll() { document.querySelectorAll("[data-show-when-field]").forEach(setUp); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
