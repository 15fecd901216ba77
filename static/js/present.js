// Present mode: one slide at a time, driven by the keyboard, a clicker or a click on the slide;
// the URL fragment keeps the place.
(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var controls = document.querySelector(".deck-controls");
  if (!slides.length) return;
  document.documentElement.classList.add("js-deck");
  var progress = document.querySelector(".deck-progress");
  var current = 0;

  function fromHash() {
    var match = /^#slide-(\d+)$/.exec(window.location.hash);
    return match ? parseInt(match[1], 10) - 1 : 0;
  }

  function show(index) {
    current = Math.min(Math.max(index, 0), slides.length - 1);
    slides.forEach(function (slide, position) {
      slide.hidden = position !== current;
    });
    var hash = "#slide-" + (current + 1);
    // replaceState keeps Back for leaving the deck and does not scroll to the section.
    if (window.location.hash !== hash) window.history.replaceState(null, "", hash);
    if (progress) progress.textContent = current + 1 + " / " + slides.length;
  }

  function fullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
  }

  function leaveFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
  }

  // The site link and the controls hide while the deck fills the screen (present.css).
  document.addEventListener("fullscreenchange", function () {
    document.documentElement.classList.toggle("deck-fullscreen", Boolean(document.fullscreenElement));
  });

  var keys = {
    ArrowRight: function () { show(current + 1); },
    ArrowDown: function () { show(current + 1); },
    " ": function () { show(current + 1); },
    PageDown: function () { show(current + 1); },
    ArrowLeft: function () { show(current - 1); },
    ArrowUp: function () { show(current - 1); },
    PageUp: function () { show(current - 1); },
    Home: function () { show(0); },
    End: function () { show(slides.length - 1); },
    f: fullscreen,
    Escape: leaveFullscreen,
  };

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest && event.target.closest("button, a, input, textarea")) {
      if (event.key === " " || event.key === "Enter") return;
    }
    var action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  // A click on the slide advances, as in slide software; links, buttons and selected text keep
  // their own meaning.
  var deck = document.getElementById("deck");
  if (deck) {
    deck.addEventListener("click", function (event) {
      if (event.button !== 0 || event.target.closest("a, button, input, textarea, summary")) return;
      var selection = window.getSelection && window.getSelection();
      if (selection && !selection.isCollapsed) return;
      show(current + 1);
    });
  }

  if (controls) {
    controls.hidden = false;
    controls.addEventListener("click", function (event) {
      var button = event.target.closest("[data-deck]");
      if (!button) return;
      var which = button.getAttribute("data-deck");
      if (which === "next") show(current + 1);
      else if (which === "prev") show(current - 1);
      else fullscreen();
    });
  }

  window.addEventListener("hashchange", function () { show(fromHash()); });
  show(fromHash());
})();

// The closing slide's figures (readers so far, comments) stay live while the deck is open.
(function () {
  "use strict";
  var figures = document.querySelector("[data-figures]");
  if (!figures || !window.fetch) return;
  function refresh() {
    fetch(figures.getAttribute("data-figures"), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        Object.keys(data).forEach(function (name) {
          var slot = figures.querySelector('[data-figure="' + name + '"]');
          if (slot) slot.textContent = data[name];
        });
      })
      .catch(function () {});
  }
  refresh();
  window.setInterval(refresh, 20000);
})();
