// Page behaviour without inline scripts, so the Content-Security-Policy can forbid them:
// every element with data-options holds its ECharts options as JSON and becomes a chart,
// on load and in every part of a page that HTMX swaps in.
(function () {
  function initCharts(root) {
    root.querySelectorAll("[data-options]").forEach(function (el) {
      if (el.dataset.chartReady) { return; }
      el.dataset.chartReady = "1";
      var chart = echarts.init(el);
      chart.setOption(JSON.parse(el.dataset.options));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { initCharts(document); });
  document.addEventListener("htmx:afterSwap", function (event) { initCharts(event.target); });
})();
