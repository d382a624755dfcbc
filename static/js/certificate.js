// 志愿服务记录证明: the 打印 button (a file: the CSP allows no inline script).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
