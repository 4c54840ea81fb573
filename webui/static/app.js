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
