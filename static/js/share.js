// Share panel: the copy buttons. Without this script the links, the
// Mastodon form and the read-only fields (select the text and copy it)
// still do everything; a script is needed only to write to the clipboard.
// Each copy is announced in the panel's status line (role="status").
(function () {
  "use strict";

  function announce(button, text) {
    var panel = button.closest("[data-testid='share-panel']") || document;
    var status = panel.querySelector("[role='status']");
    if (!status) {
      return;
    }
    // Empty first, so the same message is announced again on a second copy.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  function fallbackCopy(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    // The panel gives the words in the page's language.
    var panel = button.closest("[data-testid='share-panel']");
    var done = button.getAttribute("data-copied") || (panel && panel.getAttribute("data-copied-text")) || "Copied";
    var failed = (panel && panel.getAttribute("data-copy-failed")) || "Could not copy: select the text and copy it with your keyboard.";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(function () {
        announce(button, done);
      }, function () {
        announce(button, fallbackCopy(field) ? done : failed);
      });
      return;
    }
    announce(button, fallbackCopy(field) ? done : failed);
  }

  function init() {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (ev) {
        copy(ev.currentTarget);
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
