// The verifier, enhanced: a badge file can be dropped anywhere on the
// form, and choosing or dropping a file says its name (and, when it is too
// large, says so before anything is sent) in a polite live region. Without
// this script the form works the same with the file field alone.
(function () {
  "use strict";

  var form = document.querySelector("[data-verify-form]");
  if (!form || !window.DataTransfer) {
    return;
  }
  var input = form.querySelector('input[type="file"]');
  if (!input) {
    return;
  }
  var maxBytes = parseInt(form.getAttribute("data-max-file-bytes"), 10) || 0;
  var lang = document.documentElement.lang || "en";

  // The words come from the page, in its language; {name}, {size} and
  // {max} stand for the values.
  function words(attr, fallback, values) {
    var text = form.getAttribute(attr) || fallback;
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(values[key]);
    });
    return text;
  }

  var status = document.createElement("p");
  status.className = "verify-drop-status";
  status.setAttribute("role", "status");
  status.setAttribute("data-testid", "verify-drop-status");
  input.insertAdjacentElement("afterend", status);

  var hint = document.getElementById(input.id + "-hint");
  if (hint) {
    hint.appendChild(document.createTextNode(" " + words("data-drop-hint", "You can also drop the file onto this form.")));
  }

  function carriesFiles(event) {
    var types = event.dataTransfer && event.dataTransfer.types;
    return !!types && Array.prototype.indexOf.call(types, "Files") >= 0;
  }

  function megabytes(n) {
    var size;
    try {
      size = (n / (1024 * 1024)).toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    } catch (e) {
      size = (n / (1024 * 1024)).toFixed(1);
    }
    return words("data-megabytes", "{size} MB", { size: size });
  }

  function describe() {
    var file = input.files && input.files[0];
    if (!file) {
      status.textContent = "";
      return;
    }
    if (maxBytes && file.size > maxBytes) {
      status.textContent = words("data-too-large",
        "{name} is {size}, larger than the {max} the verifier accepts. Use the original badge image from the issuer.",
        { size: megabytes(file.size), max: megabytes(maxBytes), name: file.name });
      status.classList.add("verify-drop-status--error");
      return;
    }
    status.classList.remove("verify-drop-status--error");
    status.textContent = words("data-chosen", "Chosen: {name}. Press Verify to check it.", { name: file.name });
  }

  ["dragenter", "dragover"].forEach(function (type) {
    form.addEventListener(type, function (event) {
      if (carriesFiles(event)) {
        event.preventDefault();
        form.classList.add("verify-form--over");
      }
    });
  });
  form.addEventListener("dragleave", function (event) {
    if (!form.contains(event.relatedTarget)) {
      form.classList.remove("verify-form--over");
    }
  });
  form.addEventListener("drop", function (event) {
    form.classList.remove("verify-form--over");
    if (!carriesFiles(event) || event.dataTransfer.files.length === 0) {
      return;
    }
    event.preventDefault();
    // One badge at a time: the first file dropped becomes the input's.
    var one = new DataTransfer();
    one.items.add(event.dataTransfer.files[0]);
    input.files = one.files;
    describe();
  });
  input.addEventListener("change", describe);
})();
