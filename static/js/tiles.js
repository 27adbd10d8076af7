// Badge tiles: each tile's details (description and criteria) show on hover
// and keyboard focus by CSS alone, and screen readers get them through the
// link's aria-describedby. This script adds what CSS cannot:
//   - Escape hides the details that are showing (WCAG 1.4.13: content shown
//     on hover or focus can be dismissed without moving pointer or focus);
//   - on touch screens, a tap on a tile (outside its link) shows its
//     details, another tap hides them, and a tap outside every tile hides
//     any that are open.
//
// On touch, :hover cannot be trusted. After a tap Chromium (like other
// mobile browsers) leaves the tapped tile in :hover, so the CSS hover rule
// keeps showing its details, and it sends compatibility mouse events for
// the tap, ending with a mouseleave. A tile's touch state is therefore held
// in its classes alone: tile--open shows the details and tile--dismissed
// hides them whatever :hover says, and only a real mouse leaving or
// entering the tile clears tile--dismissed.
(function () {
  "use strict";

  var OPEN = "tile--open";
  var DISMISSED = "tile--dismissed";
  var CONTROLS = "a, button, input, select, textarea, summary";

  function tiles() {
    return document.querySelectorAll("[data-tile]");
  }

  function showing(tile) {
    if (tile.classList.contains(DISMISSED)) {
      return false;
    }
    return tile.classList.contains(OPEN) || tile.matches(":hover") || tile.matches(":focus-within");
  }

  // shownToTouch is showing without :hover, which on a touch screen only
  // remembers the last tap.
  function shownToTouch(tile) {
    if (tile.classList.contains(DISMISSED)) {
      return false;
    }
    return tile.classList.contains(OPEN) || tile.matches(":focus-within");
  }

  function open(tile) {
    tile.classList.remove(DISMISSED);
    tile.classList.add(OPEN);
  }

  function dismiss(tile) {
    tile.classList.remove(OPEN);
    tile.classList.add(DISMISSED);
  }

  function isTouch(event) {
    return event.pointerType === "touch" || event.pointerType === "pen";
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

    // A tap is a touch (or pen) that ends where it began; a touch that
    // scrolls the page is cancelled instead, and a mouse shows details by
    // hovering. A tap on a tile toggles it and hides the others; a tap
    // anywhere else hides them all. Taps on the tile's link go on to open
    // the badge.
    document.addEventListener("pointerup", function (event) {
      if (!isTouch(event) || !(event.target instanceof Element)) {
        return;
      }
      var tile = event.target.closest("[data-tile]");
      if (tile && event.target.closest(CONTROLS)) {
        return;
      }
      Array.prototype.forEach.call(tiles(), function (other) {
        if (other !== tile && showing(other)) {
          dismiss(other);
        }
      });
      if (!tile) {
        return;
      }
      if (shownToTouch(tile)) {
        dismiss(tile);
      } else {
        open(tile);
      }
    });

    Array.prototype.forEach.call(all, function (tile) {
      // Details hidden with Escape (or a tap) come back the next time a
      // mouse arrives, or focus. Pointer events, unlike mouse events, say
      // which pointer moved: the mouse events a browser makes up after a
      // tap must not undo it.
      function mouseMoved(event) {
        if (event.pointerType === "mouse") {
          tile.classList.remove(DISMISSED);
        }
      }
      tile.addEventListener("pointerleave", mouseMoved);
      tile.addEventListener("pointerenter", mouseMoved);
      tile.addEventListener("focusin", function (event) {
        if (!event.relatedTarget || !tile.contains(event.relatedTarget)) {
          tile.classList.remove(DISMISSED);
        }
      });
      // A tile opened by a tap closes when focus moves to something outside
      // it. Focus that merely leaves (relatedTarget null), as when a tap on
      // the tile's picture blurs its link, is not a reason: a tap outside
      // closes tiles by itself.
      tile.addEventListener("focusout", function (event) {
        if (event.relatedTarget && !tile.contains(event.relatedTarget)) {
          tile.classList.remove(OPEN);
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
