// Tag suggestions in the admin: a tags field is a comma-separated list, and a <datalist> only
// completes a whole value, so the suggestions are rewritten for the tag being typed (after the
// last comma), each prefixed with the tags already written. Without this script the datalist
// still suggests the first tag. Loaded in the page's head, so the list is looked up on use.
(function () {
  "use strict";
  var LIMIT = 50;
  var names = null;

  function suggest(input) {
    var list = document.getElementById("tag-names");
    if (!list) {
      return;
    }
    if (names === null) {
      names = Array.prototype.map.call(list.options, function (option) {
        return option.value;
      });
    }
    var value = input.value;
    var cut = value.lastIndexOf(",");
    var before = cut < 0 ? "" : value.slice(0, cut + 1).replace(/\s*$/, " ");
    var typed = value.slice(cut + 1).trim().toLowerCase();
    var chosen = value.split(",").map(function (name) {
      return name.trim().toLowerCase();
    });
    var options = names
      .filter(function (name) {
        var lower = name.toLowerCase();
        return lower.indexOf(typed) !== -1 && (lower === typed || chosen.indexOf(lower) === -1);
      })
      .slice(0, LIMIT)
      .map(function (name) {
        var option = document.createElement("option");
        option.value = before + name;
        return option;
      });
    list.replaceChildren.apply(list, options);
  }

  function onTagsField(event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.getAttribute("list") === "tag-names") {
      suggest(input);
    }
  }

  document.addEventListener("input", onTagsField);
  document.addEventListener("focusin", onTagsField);
})();
