// Drag and drop for a collection's order: an enhancement for pointer users.
// The page works without it: each badge has "Move up", "Move down" and
// "Move to top" buttons (plain POST forms). A drop sends the same form
// with the new position ("to" = 1, 2, …), so the server does the move,
// announces it and puts focus back on the moved badge, exactly as for the
// buttons.
(function () {
  "use strict";

  function items(list) {
    return Array.prototype.filter.call(list.children, function (el) {
      return el.hasAttribute("data-badge");
    });
  }

  function clearMarks(list) {
    items(list).forEach(function (el) {
      el.classList.remove("collection-item--drop-before", "collection-item--drop-after", "collection-item--dragging");
    });
  }

  function enhance(list) {
    var dragged = null;
    var all = items(list);
    if (all.length < 2) {
      return;
    }
    var hint = document.getElementById(list.getAttribute("aria-describedby") || "");
    if (hint) {
      // The page gives the sentence in its language (data-drag-hint).
      var extra = list.getAttribute("data-drag-hint") || "With a mouse, you can also drag a badge to its new place.";
      hint.appendChild(document.createTextNode(" " + extra));
    }
    all.forEach(function (item) {
      item.setAttribute("draggable", "true");
      item.classList.add("collection-item--draggable");

      item.addEventListener("dragstart", function (event) {
        dragged = item;
        item.classList.add("collection-item--dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.getAttribute("data-badge"));
      });
      item.addEventListener("dragend", function () {
        dragged = null;
        clearMarks(list);
      });
      item.addEventListener("dragover", function (event) {
        if (!dragged || dragged === item) {
          return;
        }
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        var order = items(list);
        var before = order.indexOf(item) < order.indexOf(dragged);
        clearMarks(list);
        dragged.classList.add("collection-item--dragging");
        item.classList.add(before ? "collection-item--drop-before" : "collection-item--drop-after");
      });
      item.addEventListener("drop", function (event) {
        if (!dragged || dragged === item) {
          return;
        }
        event.preventDefault();
        // The dragged badge takes the place of the one it is dropped on.
        var position = items(list).indexOf(item) + 1;
        var form = dragged.querySelector("form[data-move-form]");
        clearMarks(list);
        dragged = null;
        if (!form) {
          return;
        }
        var to = document.createElement("input");
        to.type = "hidden";
        to.name = "to";
        to.value = String(position);
        form.appendChild(to);
        if (form.requestSubmit) {
          form.requestSubmit();
        } else {
          form.submit();
        }
      });
    });
  }

  // After a move the page's address ends in the moved badge's control
  // (#up-…, #down-…); browsers that do not focus a fragment's target on
  // load get it focused here.
  function focusFragment() {
    if (!location.hash) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.tagName === "BUTTON" && document.activeElement !== target) {
      target.focus();
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-reorder]"), enhance);
    focusFragment();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
