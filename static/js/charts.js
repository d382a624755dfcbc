// Renders every <div class="chart" data-chart="ID"> from the JSON in <script id="ID" type="application/json">.
// The JSON holds {type: "bar"|"line"|"pie", categories: [...], series: [{name, data}]}; "labels": false hides the
// value labels (a 12-month line reads from its axis; its labels would overlap on a phone).
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var palette = ["#a61b1b", "#d9822b", "#2e7d32", "#1565c0", "#6a1b9a", "#00838f", "#8d6e63", "#546e7a"];

  function optionFor(spec) {
    var base = { color: palette, tooltip: { trigger: spec.type === "pie" ? "item" : "axis" },
                 legend: { top: 0, type: "scroll" }, animation: false };
    if (spec.type === "pie") {
      base.series = [{ type: "pie", radius: ["35%", "65%"], top: 24,
        data: spec.categories.map(function (name, i) { return { name: name, value: spec.series[0].data[i] }; }),
        label: { formatter: "{b}\n{c}" } }];
      return base;
    }
    var horizontal = !!spec.horizontal;
    // room on the right for the value labels of horizontal bars
    base.grid = { left: 8, right: horizontal ? 48 : 16, top: 36, bottom: 8, containLabel: true };
    var categoryAxis = { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: horizontal ? 0 : (spec.categories.length > 6 ? 30 : 0) } };
    var valueAxis = { type: "value", max: spec.max, axisLabel: { formatter: spec.percent ? "{value}%" : "{value}" } };
    base.xAxis = horizontal ? valueAxis : categoryAxis;
    base.yAxis = horizontal ? categoryAxis : valueAxis;
    base.series = spec.series.map(function (s) {
      return { name: s.name, type: spec.type || "bar", data: s.data, stack: spec.stacked ? "total" : undefined,
               label: { show: spec.labels !== false && spec.categories.length <= 12, position: horizontal ? "right" : "top" } };
    });
    return base;
  }

  function render() {
    document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(optionFor(JSON.parse(source.textContent)));
      window.addEventListener("resize", function () { chart.resize(); });
      el.setAttribute("data-rendered", "true");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
