// A discussion opens at the first comment new to the reader, unless the address names a place.
(function () {
  "use strict";
  var notice = document.querySelector("[data-first-new]");
  if (!notice || window.location.hash) return;
  var first = document.getElementById(notice.getAttribute("data-first-new"));
  if (first) first.scrollIntoView({ block: "start" });
})();
