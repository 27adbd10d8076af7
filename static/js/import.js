// The import page, enhanced: files can be dropped on the file field, and
// the items are sent one at a time so each outcome shows as it comes, with
// "Importing 2 of 5…" in a live region. Without this script the form posts
// everything at once and the page lists every outcome.
(function () {
  "use strict";

  var form = document.querySelector("[data-import-form]");
  var progress = document.querySelector("[data-import-progress]");
  if (!form || !progress || !window.fetch || !window.FormData) {
    return;
  }
  var input = form.querySelector('input[type="file"]');
  var urlField = form.querySelector('input[name="url"]');
  var pasted = form.querySelector('textarea[name="pasted"]');
  var token = form.querySelector('input[name="_csrf"]');
  var maxFile = parseInt(form.getAttribute("data-max-file"), 10) || 5 * 1024 * 1024;
  var lang = document.documentElement.lang || undefined;

  // say returns the page's words for name (the progress area's
  // data-text-name attribute, in the page's language) with each {key}
  // replaced by vars[key].
  function say(name, vars) {
    var words = progress.getAttribute("data-text-" + name) || "";
    return words.replace(/\{([a-z]+)\}/g, function (all, key) {
      return vars && Object.prototype.hasOwnProperty.call(vars, key) ? String(vars[key]) : all;
    });
  }

  // num writes a count the page's language's way.
  function num(n) {
    try {
      return n.toLocaleString(lang);
    } catch (e) {
      return String(n);
    }
  }

  // Drag and drop onto the file field's area: the dropped files become the
  // input's files, so everything after is the same as choosing them.
  var drop = form.querySelector("[data-import-drop]");
  if (drop && input) {
    // Only with the script is the whole area a drop target, so only then
    // does the hint say so.
    var hint = document.getElementById(input.id + "-hint");
    if (hint) {
      hint.appendChild(document.createTextNode(" " + say("drop-hint")));
    }
    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (event) {
        if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
          event.preventDefault();
          drop.classList.add("import-drop--over");
        }
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      drop.addEventListener(type, function () {
        drop.classList.remove("import-drop--over");
      });
    });
    drop.addEventListener("drop", function (event) {
      if (!event.dataTransfer || !event.dataTransfer.files.length) {
        return;
      }
      event.preventDefault();
      try {
        input.files = event.dataTransfer.files;
      } catch (e) {
        return;
      }
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    });
  }

  function text(tag, content, className) {
    var el = document.createElement(tag);
    el.textContent = content;
    if (className) {
      el.className = className;
    }
    return el;
  }

  // An outcome the server could not give (the request failed): same shape
  // as the server's, built from text only.
  function localOutcome(source, message) {
    var li = document.createElement("li");
    li.className = "import-outcome import-outcome--refused";
    li.setAttribute("data-testid", "import-outcome");
    li.setAttribute("data-result", "refused");
    var head = document.createElement("p");
    head.className = "import-outcome__head";
    head.appendChild(text("strong", say("not-imported")));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(text("span", source, "import-outcome__source"));
    li.appendChild(head);
    li.appendChild(text("p", message));
    return li;
  }

  function sizeText(n) {
    var mb = n / (1024 * 1024);
    var size;
    try {
      size = mb.toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    } catch (e) {
      size = mb.toFixed(1);
    }
    return say("size", { size: size });
  }

  function send(item) {
    var data = new FormData();
    data.append("_csrf", token ? token.value : "");
    if (item.field === "files") {
      data.append(item.field, item.value, item.name);
    } else {
      data.append(item.field, item.value);
    }
    return fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-Token": token ? token.value : "" },
    }).then(function (resp) {
      if (resp.status === 413) {
        return { nodes: [localOutcome(item.source, say("too-large", { max: sizeText(maxFile) }))] };
      }
      if (resp.status === 403) {
        return { nodes: [localOutcome(item.source, say("session"))] };
      }
      var type = resp.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) {
        return { nodes: [localOutcome(item.source, say("answered", { status: resp.status }))] };
      }
      return resp.json().then(function (body) {
        if (!resp.ok) {
          return { nodes: [localOutcome(item.source, body && body.error ? body.error : say("failed"))] };
        }
        var parser = new DOMParser();
        var nodes = [];
        var results = [];
        (body.outcomes || []).forEach(function (o) {
          var doc = parser.parseFromString("<ul>" + o.html + "</ul>", "text/html");
          var li = doc.querySelector("li");
          if (li) {
            nodes.push(document.importNode(li, true));
          }
          results.push(o.result);
        });
        return { nodes: nodes, results: results };
      });
    }, function () {
      return { nodes: [localOutcome(item.source, say("unreachable"))] };
    });
  }

  form.addEventListener("submit", function (event) {
    // One run at a time. The button stays focusable (aria-disabled, not
    // disabled), so keyboard focus is not thrown back to the page's start.
    if (form.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      return;
    }
    var items = [];
    var files = input && input.files ? Array.prototype.slice.call(input.files) : [];
    files.forEach(function (f) {
      items.push({ field: "files", value: f, name: f.name, source: f.name, size: f.size });
    });
    if (urlField && urlField.value.trim() !== "") {
      if (!urlField.checkValidity()) {
        return; // let the browser and the server say what is wrong
      }
      items.push({ field: "url", value: urlField.value.trim(), source: say("source-url", { url: urlField.value.trim() }) });
    }
    if (pasted && pasted.value.trim() !== "") {
      items.push({ field: "pasted", value: pasted.value.trim(), source: say("source-pasted") });
    }
    if (items.length === 0) {
      return; // the server explains what to fill in
    }
    event.preventDefault();
    form.setAttribute("aria-busy", "true");
    var submit = form.querySelector('button[type="submit"]');
    if (submit) {
      submit.setAttribute("aria-disabled", "true");
    }

    progress.hidden = false;
    progress.textContent = "";
    var heading = text("h2", say("results"));
    heading.id = "import-progress-heading";
    heading.tabIndex = -1;
    var count = text("p", "", "import-progress__count");
    count.setAttribute("data-testid", "import-count");
    var list = document.createElement("ul");
    list.className = "import-list";
    progress.appendChild(heading);
    progress.appendChild(count);
    progress.appendChild(list);

    var imported = 0;
    var i = 0;
    var lastResult = {};
    function next() {
      if (i >= items.length) {
        count.textContent = say("finished", { imported: num(imported), total: num(items.length) });
        var href = progress.getAttribute("data-backpack-href");
        if (href && !progress.querySelector("[data-import-to-backpack]")) {
          var p = document.createElement("p");
          var a = text("a", say("to-backpack"));
          a.href = href;
          a.setAttribute("data-import-to-backpack", "");
          p.appendChild(a);
          progress.appendChild(p);
        }
        form.removeAttribute("aria-busy");
        if (submit) {
          submit.removeAttribute("aria-disabled");
        }
        if (input) {
          input.value = "";
        }
        // Keep typed text only when it did not go in.
        if (urlField && lastResult.url === "ok") {
          urlField.value = "";
        }
        if (pasted && lastResult.pasted === "ok") {
          pasted.value = "";
        }
        return;
      }
      var item = items[i++];
      count.textContent = say("importing", { current: num(i), total: num(items.length) });
      var step;
      if (item.field === "files" && item.size > maxFile) {
        step = Promise.resolve({
          nodes: [localOutcome(item.source, say("file-too-large", { size: sizeText(item.size), max: sizeText(maxFile) }))],
        });
      } else {
        step = send(item);
      }
      step.catch(function () {
        return { nodes: [localOutcome(item.source, say("failed-now"))] };
      }).then(function (r) {
        var ok = false;
        (r.results || []).forEach(function (res) {
          if (res === "imported" || res === "replaced") {
            imported++;
          }
          if (res !== "refused") {
            ok = true;
          }
        });
        if (item.field !== "files") {
          lastResult[item.field] = ok ? "ok" : "refused";
        }
        r.nodes.forEach(function (n) {
          list.appendChild(n);
        });
        next();
      });
    }
    next();
  });
})();
