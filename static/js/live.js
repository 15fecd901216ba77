// A live discussion: while the page is open, ask every few seconds how many comments the thread
// has, and offer "3 new comments" to click. Clicking draws the new thread in place and moves to
// the first new comment; nothing moves under a reader who did not ask. Without JavaScript the
// page is the same, minus the offer.
(function () {
  "use strict";
  var section = document.getElementById("comments");
  if (!section || !section.dataset.liveUrl || !window.fetch || !window.DOMParser) return;
  var notice = section.querySelector(".live-notice");
  var thread = section.querySelector(".thread");
  var heading = section.querySelector("#comments-title .count");
  var shown = parseInt(section.dataset.count, 10) || 0;
  var every = (parseFloat(section.dataset.pollSeconds) || 10) * 1000;
  var wait = every;
  var timer = null;

  function offer(count) {
    var fresh = count - shown;
    notice.textContent = "";
    if (fresh <= 0) {
      notice.hidden = true;
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "live-button";
    button.textContent = fresh === 1 ? "1 new comment" : fresh + " new comments";
    button.addEventListener("click", showNew);
    notice.appendChild(button);
    notice.hidden = false;
  }

  function ids(root) {
    return Array.prototype.map.call(root.querySelectorAll("article.comment[id]"), function (node) {
      return node.id;
    });
  }

  function showNew() {
    var before = ids(thread);
    fetch(window.location.pathname + window.location.search, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("#comments");
        if (!fresh) return;
        // A reply being written under a comment (static/js/comments.js) keeps its place and text.
        var form = document.getElementById("comment-form");
        var under = form && thread.contains(form) ? form.previousElementSibling : null;
        if (under) form.parentNode.removeChild(form);
        thread.innerHTML = fresh.querySelector(".thread").innerHTML;
        var again = under && document.getElementById(under.id);
        if (under) (again || thread.lastElementChild || thread).insertAdjacentElement("afterend", form);
        shown = parseInt(fresh.dataset.count, 10) || shown;
        if (heading) heading.textContent = "(" + shown + ")";
        var first = null;
        ids(thread).forEach(function (id) {
          if (before.indexOf(id) === -1) {
            var node = document.getElementById(id);
            node.classList.add("is-new");
            if (!first) first = node;
          }
        });
        notice.hidden = true;
        notice.textContent = "";
        if (first) {
          first.setAttribute("tabindex", "-1");
          first.focus();
        }
      })
      .catch(function () {
        window.location.reload();
      });
  }

  function poll() {
    timer = null;
    if (document.hidden) return;
    fetch(section.dataset.liveUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        wait = every;
        offer(data.count);
      })
      .catch(function () {
        wait = Math.min(wait * 2, 120000);
      })
      .then(schedule);
  }

  function schedule() {
    if (timer === null && !document.hidden) timer = window.setTimeout(poll, wait);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      window.clearTimeout(timer);
      timer = null;
    } else {
      poll();
    }
  });
  schedule();
})();
