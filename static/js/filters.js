// The filters of /items/: on a wide screen the panel starts open (on a phone the results come
// first); with many tags, a box narrows the tag list as one types. Without JavaScript the panel
// is a plain <details> and every tag is listed.
(function () {
  "use strict";
  var panel = document.querySelector("[data-filter-panel]");
  if (panel && window.matchMedia("(min-width: 60rem)").matches) panel.open = true;
  var box = document.querySelector("[data-tag-filter]");
  if (!box) return;
  var input = box.querySelector("input");
  var list = document.getElementById(input.getAttribute("aria-controls"));
  var status = box.querySelector("[role=status]");
  var rows = Array.prototype.slice.call(list.querySelectorAll("li"));
  box.hidden = false;
  input.addEventListener("input", function () {
    var wanted = input.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var match = !wanted || row.querySelector("input:checked") || row.textContent.toLowerCase().indexOf(wanted) !== -1;
      row.hidden = !match;
      if (match) shown += 1;
    });
    status.textContent = wanted ? shown + " of " + rows.length + " tags shown" : "";
  });
  // Enter in the box narrows the list; it does not submit the filters half-chosen.
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") event.preventDefault();
  });
})();
