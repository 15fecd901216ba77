// The reading checklist: "Mark read" and "Mark unread" in one click, without a reload.
// Without this script the same forms post and come back to the same place.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("read-toggle")) return;
    var button = event.submitter || form.querySelector("button[name=read]");
    event.preventDefault();
    var data = new FormData(form);
    data.set("read", button.value);
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        var row = form.closest("li, .reading-state");
        var title = button.querySelector(".visually-hidden");
        row.classList.toggle("is-read", state.read);
        row.classList.toggle("is-unread", !state.read);
        var mark = row.querySelector(".read-mark");
        if (mark) mark.textContent = state.read ? "✓ Read" : "Unread";
        button.value = state.read ? "0" : "1";
        button.firstChild.textContent = state.read ? "Mark unread" : "Mark read";
        if (title) button.appendChild(title);
        var section = form.closest("[data-reading]");
        var count = section && section.querySelector("[data-read-count]");
        if (count) count.textContent = state.read_count;
        // An item read is no longer new (as the page will say when drawn again).
        var badge = row.querySelector(".badge-new");
        if (state.read && badge) badge.remove();
        var fresh = section && section.querySelector("[data-new-count]");
        if (fresh) fresh.textContent = section.querySelectorAll(".checklist .badge-new").length;
      })
      .catch(function () {
        form.submit();
      })
      .finally(function () {
        button.disabled = false;
      });
  });
})();
