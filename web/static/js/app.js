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
        Array.prototype.forEach.call(el.options, function (o) { o.selected = false; });
        if (!el.multiple) { el.selectedIndex = 0; }
      } else if (el.tagName === "TEXTAREA" || el.tagName === "INPUT") {
        el.value = "";
      }
      el.removeAttribute("aria-invalid");
    });
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

  // Ask before the actions that cannot be undone.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
