// Badge tiles: each tile's details (description and criteria) show on hover
// and keyboard focus by CSS alone, and screen readers get them through the
// link's aria-describedby. This script adds what CSS cannot:
//   - Escape hides the details that are showing (WCAG 1.4.13: content shown
//     on hover or focus can be dismissed without moving pointer or focus);
//   - on touch screens, a tap on a tile (outside its link) shows or hides
//     its details.
(function () {
  "use strict";

  var OPEN = "tile--open";
  var DISMISSED = "tile--dismissed";

  function tiles() {
    return document.querySelectorAll("[data-tile]");
  }

  function showing(tile) {
    if (tile.classList.contains(DISMISSED)) {
      return false;
    }
    return tile.classList.contains(OPEN) || tile.matches(":hover") || tile.matches(":focus-within");
  }

  function dismiss(tile) {
    tile.classList.remove(OPEN);
    tile.classList.add(DISMISSED);
  }

  function init() {
    var all = tiles();
    if (all.length === 0) {
      return;
    }

    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" && event.key !== "Esc") {
        return;
      }
      var hid = false;
      Array.prototype.forEach.call(tiles(), function (tile) {
        if (showing(tile)) {
          dismiss(tile);
          hid = true;
        }
      });
      if (hid) {
        event.preventDefault();
      }
    });

    Array.prototype.forEach.call(all, function (tile) {
      // Details hidden with Escape come back the next time the pointer or
      // focus arrives.
      tile.addEventListener("mouseleave", function () {
        tile.classList.remove(DISMISSED);
      });
      tile.addEventListener("focusin", function (event) {
        if (!event.relatedTarget || !tile.contains(event.relatedTarget)) {
          tile.classList.remove(DISMISSED);
        }
      });
      tile.addEventListener("focusout", function (event) {
        if (!event.relatedTarget || !tile.contains(event.relatedTarget)) {
          tile.classList.remove(OPEN);
        }
      });

      // A tap is a touch (or pen) that ends where it began; a touch that
      // scrolls the page is cancelled instead, and a mouse shows details
      // by hovering. Taps on the link go on to open the badge.
      tile.addEventListener("pointerup", function (event) {
        if (event.pointerType !== "touch" && event.pointerType !== "pen") {
          return;
        }
        if (event.target.closest("a, button, input, select, textarea, summary")) {
          return;
        }
        var open = showing(tile);
        Array.prototype.forEach.call(tiles(), function (other) {
          if (other !== tile && showing(other)) {
            dismiss(other);
          }
        });
        if (open) {
          dismiss(tile);
        } else {
          tile.classList.remove(DISMISSED);
          tile.classList.add(OPEN);
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
