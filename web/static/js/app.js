/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // "Add a section / recipient / deadline" without a round trip to the server:
  // clone the last row of the list, renumber its fields and clear them.
  function addRow(button) {
    var list = button.getAttribute("data-add");
    var fieldset = button.closest("[data-repeat]");
    var items = fieldset.querySelectorAll(".repeat-item");
    if (!items.length) { return false; }
    var pattern = new RegExp("^" + list + "-(\\d+)-");
    var highest = -1;
    fieldset.querySelectorAll("[name]").forEach(function (el) {
      var m = pattern.exec(el.name);
      if (m) { highest = Math.max(highest, parseInt(m[1], 10)); }
    });
    var next = highest + 1;
    var clone = items[items.length - 1].cloneNode(true);
    var swap = function (value) { return value.replace(new RegExp(list + "-\\d+-", "g"), list + "-" + next + "-"); };
    clone.querySelectorAll("[name],[id],[for],[aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        if (el.hasAttribute(attr)) { el.setAttribute(attr, swap(el.getAttribute(attr))); }
      });
      if (el.tagName === "SELECT") {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = false; o.hidden = false; });
        if (!el.multiple) { el.selectedIndex = 0; }
      } else if (el.tagName === "TEXTAREA" || el.tagName === "INPUT") {
        el.value = "";
      }
      el.removeAttribute("aria-invalid");
    });
    clone.querySelectorAll(".option-filter").forEach(function (el) { el.value = ""; });
    clone.querySelectorAll("optgroup").forEach(function (el) { el.hidden = false; });
    clone.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    clone.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    var title = clone.querySelector(".repeat-title");
    if (title) { title.textContent = title.textContent.replace(/\d+/, String(items.length + 1)); }
    button.parentNode.insertBefore(clone, button);
    var first = clone.querySelector("input, select, textarea");
    if (first) { first.focus(); }
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-add]");
    if (button && addRow(button)) { event.preventDefault(); }
  });

  // A search box before each long select (the units of a province are thousands):
  // typing, with or without diacritics, hides the options whose name lacks a word
  // typed; the empty choice and the chosen ones stay. Rows cloned by addRow carry
  // their box, so the handlers listen on the document.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }

  function filterOptions(box) {
    var select = box.nextElementSibling;
    if (!select || select.tagName !== "SELECT") { return; }
    var words = fold(box.value).split(/\s+/).filter(Boolean);
    Array.prototype.forEach.call(select.options, function (o) {
      if (o.folded === undefined) { o.folded = fold(o.text); }
      o.hidden = !(o.value === "" || o.selected || words.every(function (w) { return o.folded.indexOf(w) >= 0; }));
    });
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (g) {
      g.hidden = !g.querySelector("option:not([hidden])");
    });
  }

  document.querySelectorAll("select[data-filter]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "option-filter";
    box.placeholder = select.getAttribute("data-filter");
    box.setAttribute("aria-label", select.getAttribute("data-filter"));
    box.setAttribute("autocomplete", "off");
    select.parentNode.insertBefore(box, select);
  });

  document.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("option-filter")) { filterOptions(event.target); }
  });

  // Enter in a search box filters; it must not submit the draft.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.classList && event.target.classList.contains("option-filter")) {
      event.preventDefault();
    }
  });

  // Ask before the actions that cannot be undone.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
