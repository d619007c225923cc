// Progressive enhancement only: every page works without this file.
// The CSP forbids inline script and eval, so all behaviour lives here.
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("live-region");
    if (region && text) {
      region.textContent = text;
    }
  }

  // After an error or a swapped step, put focus where a screen-reader user
  // expects it: the error summary first, else the new step's heading.
  function focusNewContent(root) {
    var target = root.querySelector("[data-error-summary]") ||
      root.querySelector("[data-step-heading]");
    if (target) {
      target.focus();
    }
  }

  // Show/hide buttons on password fields: hidden in the HTML, shown here.
  function setUpPasswordToggles(root) {
    var buttons = root.querySelectorAll("[data-password-toggle]");
    Array.prototype.forEach.call(buttons, function (button) {
      if (button.dataset.ready) {
        return;
      }
      var input = document.getElementById(button.getAttribute("aria-controls"));
      if (!input) {
        return;
      }
      button.dataset.ready = "true";
      button.hidden = false;
      button.addEventListener("click", function () {
        var showing = input.type === "password";
        input.type = showing ? "text" : "password";
        button.textContent = showing ? button.dataset.hideLabel : button.dataset.showLabel;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpPasswordToggles(document);
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  });

  document.addEventListener("htmx:after:swap", function (event) {
    var ctx = event.detail && event.detail.ctx;
    var target = ctx && ctx.target;
    if (typeof target === "string") {
      target = document.querySelector(target);
    }
    setUpPasswordToggles(document);
    if (target && target.isConnected) {
      if (target.matches("[data-focus-after-swap]")) {
        focusNewContent(target);
      }
      var count = target.querySelector("[data-announce]");
      if (count) {
        announce(count.textContent.trim());
      }
      return;
    }
    // An outerHTML swap (a new visual code) removed the focused link: focus its successor.
    if (!document.activeElement || document.activeElement === document.body) {
      var link = document.querySelector("[data-new-visual-code]");
      if (link) {
        link.focus();
      }
    }
  });
})();
