// Progressive enhancement only: every page works without this file.
// The CSP forbids inline script and eval, so all behaviour lives here.
(function () {
  "use strict";

  // After an error or a swapped step, put focus where a screen-reader user
  // expects it: the error summary first, else the new step's heading.
  function focusNewContent(root) {
    var target = root.querySelector("[data-error-summary]") ||
      root.querySelector("[data-step-heading]");
    if (target) {
      target.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  });

  document.addEventListener("htmx:after:swap", function (event) {
    var target = event.detail && event.detail.ctx && event.detail.ctx.target;
    if (target && target.matches && target.matches("[data-focus-after-swap]")) {
      focusNewContent(target);
    }
  });
})();
