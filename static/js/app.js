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
  // expects it: the error summary first, else the heading of the answer the step
  // now shows (an e-service's result), else the new step's heading.
  function focusNewContent(root) {
    var target = root.querySelector("[data-error-summary]") ||
      root.querySelector("[data-answer-heading]") ||
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

  // Print buttons (a receipt): hidden in the HTML, since without JavaScript they could do
  // nothing (the page says to use the browser's Print command); shown and bound here.
  function setUpPrintButtons(root) {
    var buttons = root.querySelectorAll("[data-print]");
    Array.prototype.forEach.call(buttons, function (button) {
      if (button.dataset.ready || typeof window.print !== "function") {
        return;
      }
      button.dataset.ready = "true";
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  // Forms on a bad connection. While a form's request is in flight the form is busy
  // (aria-busy, its submit buttons aria-disabled, "Sending..." beside the button and
  // announced once); further taps are dropped before htmx sees them, so three taps send
  // one request. aria-disabled rather than disabled: a disabled button loses keyboard
  // focus, and the person must be able to press it again after a failure. When the
  // request fails (network, timeout, 5xx) the form keeps what was typed and a message
  // beside the button and in the live region says so; the button sends again. The words
  // come from the page (data-* on the live region), in its language.
  function words(name) {
    var region = document.getElementById("live-region");
    return (region && region.getAttribute("data-" + name)) || "";
  }

  function formOf(event) {
    var ctx = event.detail && event.detail.ctx;
    var source = ctx && ctx.sourceElement;
    return source && source.tagName === "FORM" ? source : null;
  }

  function formStatus(form) {
    var status = form.querySelector("[data-form-status]");
    if (!status) {
      var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
      var last = buttons[buttons.length - 1];
      if (!last) {
        return null;
      }
      status = document.createElement("p");
      status.setAttribute("data-form-status", "");
      status.className = "form-status";
      status.id = (form.id || "form") + "-status-" + Math.random().toString(36).slice(2, 8);
      last.insertAdjacentElement("afterend", status);
    }
    return status;
  }

  function setBusy(form, busy) {
    var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
    Array.prototype.forEach.call(buttons, function (button) {
      if (busy) {
        button.setAttribute("aria-disabled", "true");
      } else {
        button.removeAttribute("aria-disabled");
      }
    });
    if (busy) {
      form.setAttribute("aria-busy", "true");
    } else {
      form.removeAttribute("aria-busy");
    }
  }

  function showStatus(form, text, failed) {
    var status = formStatus(form);
    if (!status) {
      return;
    }
    status.textContent = text;
    status.classList.toggle("form-status--failed", failed);
    var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
    Array.prototype.forEach.call(buttons, function (button) {
      if (failed) {
        button.setAttribute("aria-describedby", status.id);
      } else {
        button.removeAttribute("aria-describedby");
      }
    });
  }

  function failed(form, kind) {
    var text = words("failed-" + kind);
    if (form) {
      showStatus(form, text, true);
    }
    announce("");
    window.setTimeout(function () { announce(text); }, 50);
  }

  // Capture phase: runs before htmx's own listener on the form.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute && form.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("htmx:before:request", function (event) {
    var form = formOf(event);
    if (form) {
      setBusy(form, true);
      showStatus(form, words("sending"), false);
      announce(words("sending"));
    }
  });

  document.addEventListener("htmx:finally:request", function (event) {
    var form = formOf(event);
    if (form) {
      setBusy(form, false);
      var status = form.querySelector("[data-form-status]:not(.form-status--failed)");
      if (status) {
        status.textContent = "";
      }
    }
  });

  // htmx-config's noSwap keeps a 5xx page out of the form: the form stays as typed.
  document.addEventListener("htmx:response:error", function (event) {
    var ctx = event.detail.ctx;
    if (ctx.response && ctx.response.status >= 500) {
      failed(formOf(event), "server");
    }
  });

  document.addEventListener("htmx:error", function (event) {
    var ctx = event.detail.ctx;
    if (!ctx) {
      return; // not a request (htmx reports its own errors here too)
    }
    var timedOut = ctx.request && ctx.request.signal && ctx.request.signal.reason === "timeout";
    failed(formOf(event), timedOut ? "timeout" : "network");
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpPasswordToggles(document);
    setUpPrintButtons(document);
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
    setUpPrintButtons(document);
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
