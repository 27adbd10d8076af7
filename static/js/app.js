// Satchel's only script. Progressive enhancement: every page works the same
// without it; this adds conveniences only.
(function () {
  "use strict";

  // Flash messages get a "Dismiss" button. Without the script they simply
  // stay on the page until the next navigation.
  function enhanceFlashes() {
    var flashes = document.querySelectorAll("[data-flash]");
    Array.prototype.forEach.call(flashes, function (flash) {
      if (flash.querySelector(".flash__dismiss")) {
        return;
      }
      // The words come from the page, in its language.
      var words = flash.closest("[data-dismiss]");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "flash__dismiss";
      button.textContent = (words && words.getAttribute("data-dismiss")) || "Dismiss";
      button.setAttribute("aria-label", (words && words.getAttribute("data-dismiss-label")) || "Dismiss this message");
      button.addEventListener("click", function () {
        var next = flash.nextElementSibling || flash.previousElementSibling;
        flash.remove();
        // Keep keyboard users in place rather than dropping focus on <body>.
        var target = next ? next.querySelector("button") : document.getElementById("main");
        if (target) {
          target.focus();
        }
      });
      flash.appendChild(button);
      flash.classList.add("flash--dismissable");
    });
  }

  // A form is sent once: a second click while the first request is on its way
  // would repeat a change of state. The buttons come back when the page is
  // shown again from the back/forward cache.
  function guardDoubleSubmit() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || event.defaultPrevented) {
        return;
      }
      if (form.dataset.submitting === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "true";
      form.setAttribute("aria-busy", "true");
    });
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-submitting]"), function (form) {
        delete form.dataset.submitting;
        form.removeAttribute("aria-busy");
      });
    });
  }

  // A form sent back with errors: move focus to its error summary, so a
  // screen reader reads the problems first and keyboard users can follow
  // its links to each field. Without the script the summary is simply the
  // first thing in the page's main content.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  function init() {
    enhanceFlashes();
    guardDoubleSubmit();
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
