// Searchable pickers for long lists (registry.forms.PickerMixin): <select data-picker> becomes a Tom Select
// that finds an option by name or by pinyin initials, and shows each option's hint (a liaison's post, unit
// and load). Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";
  function hintHtml(data, escape) {
    return data.hint ? '<div class="picker-hint">' + escape(data.hint) + "</div>" : "";
  }
  function setUp(select) {
    if (select.tomselect || typeof window.TomSelect === "undefined") { return; }
    var multiple = select.multiple;
    new window.TomSelect(select, {
      searchField: ["text", "initials"],
      maxOptions: 200,
      hidePlaceholder: true,
      plugins: multiple ? ["remove_button"] : [],
      placeholder: "输入名称或拼音首字母搜索",
      render: {
        option: function (data, escape) { return "<div><div>" + escape(data.text) + "</div>" + hintHtml(data, escape) + "</div>"; },
        item: function (data, escape) { return "<div>" + escape(data.text) + "</div>"; },
        no_results: function () { return '<div class="no-results">没有匹配的选项</div>'; },
      },
    });
  }
  function setUpAll(root) { (root || document).querySelectorAll("select[data-picker]").forEach(setUp); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  } else {
    setUpAll(document);
  }
})();
