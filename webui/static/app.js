// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Open the reasons of an item when its link is followed, and all of them before printing.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.reasons").forEach(function (d) { d.open = true; });
  });
  // Jump from a search box shortcut: "/" focuses the search field.
  document.addEventListener("keydown", function (e) {
    var q = document.getElementById("q");
    if (e.key === "/" && q && document.activeElement !== q && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) {
      e.preventDefault(); q.focus();
    }
  });
  // What-if: choosing a field swaps in the controlled input for its values (without JavaScript the form
  // comes back from the server with it).
  function noneExclusive(root) {
    root.querySelectorAll("fieldset.checks input[data-none]").forEach(function (none) {
      var boxes = none.closest("fieldset").querySelectorAll("input[type=checkbox]:not([data-none])");
      none.addEventListener("change", function () {
        if (none.checked) { boxes.forEach(function (b) { b.checked = false; }); }
      });
      boxes.forEach(function (b) {
        b.addEventListener("change", function () { if (b.checked) { none.checked = false; } });
      });
    });
  }
  document.querySelectorAll("select[data-row]").forEach(function (sel) {
    sel.addEventListener("change", function () {
      var row = sel.getAttribute("data-row");
      var box = document.getElementById("value-" + row);
      var tpl = document.querySelector('#value-templates template[data-field="' + sel.value + '"]');
      if (!box) { return; }
      box.innerHTML = tpl ? tpl.innerHTML.split("__ROW__").join(row) : "";
      noneExclusive(box);
    });
  });
  // A list field's 无 (none) excludes its values, and a value excludes 无 (the server checks the same).
  noneExclusive(document);
  // Batch upload: show the chosen file's name and size before sending.
  var file = document.getElementById("file");
  if (file) {
    file.addEventListener("change", function () {
      var f = file.files && file.files[0];
      var out = document.getElementById("file-info");
      if (!out) { out = document.createElement("p"); out.id = "file-info"; out.className = "help"; file.parentNode.appendChild(out); }
      out.textContent = f ? f.name + " · " + Math.ceil(f.size / 1024) + " KB" : "";
    });
  }
})();
