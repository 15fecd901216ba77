// Comment forms, a little better with JavaScript: a length counter that warns before the limit,
// a reply written under the comment it answers, and a question before deleting. Without
// JavaScript each is a plain page (the reply form at the foot, the limit checked on posting).
(function () {
  "use strict";

  function counter(textarea) {
    var limit = parseInt(textarea.dataset.maxlength, 10);
    if (!limit) return;
    var note = document.createElement("p");
    note.className = "char-count";
    note.id = textarea.id + "-count";
    textarea.insertAdjacentElement("afterend", note);
    var described = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
    function update() {
      var left = limit - textarea.value.length;
      var near = left < Math.max(100, limit / 10);
      note.classList.toggle("char-count-warn", near && left >= 0);
      note.classList.toggle("char-count-over", left < 0);
      // Announced only near the limit, not at every key.
      note.setAttribute("aria-live", near ? "polite" : "off");
      if (left < 0) {
        note.textContent = (-left).toLocaleString("en") + " characters too many: shorten it to post.";
        textarea.setAttribute("aria-invalid", "true");
      } else {
        note.textContent = left.toLocaleString("en") + " of " + limit.toLocaleString("en") + " characters left";
        textarea.removeAttribute("aria-invalid");
      }
    }
    textarea.addEventListener("input", update);
    update();
  }

  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-maxlength]"), counter);

  var form = document.getElementById("comment-form");
  var parent = form && form.querySelector("input[name=parent]");
  if (form && parent) {
    var home = document.createComment(" the comment form's place ");
    form.parentNode.insertBefore(home, form);
    var heading = form.querySelector("h2");
    var submit = form.querySelector("button[type=submit]");
    var start = { heading: heading.textContent, submit: submit.textContent, parent: parent.value };
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "link-button reply-cancel";
    cancel.textContent = "Cancel reply";
    cancel.hidden = true;
    submit.insertAdjacentElement("afterend", cancel);
    var opener = null;

    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href*='reply_to=']");
      var comment = link && link.closest("article.comment");
      var match = link && /[?&]reply_to=(\d+)/.exec(link.getAttribute("href"));
      if (!comment || !match) return;
      event.preventDefault();
      opener = link;
      parent.value = match[1];
      var author = comment.querySelector(".comment-author");
      heading.textContent = "Reply to " + (author ? author.textContent : "this comment");
      submit.textContent = "Post reply";
      comment.insertAdjacentElement("afterend", form);
      form.classList.add("reply-in-place");
      cancel.hidden = false;
      form.querySelector("textarea").focus({ preventScroll: true });
      form.scrollIntoView({ block: "nearest" });
    });

    cancel.addEventListener("click", function () {
      parent.value = start.parent;
      heading.textContent = start.heading;
      submit.textContent = start.submit;
      home.parentNode.insertBefore(form, home.nextSibling);
      form.classList.remove("reply-in-place");
      cancel.hidden = true;
      if (opener) opener.focus();
    });
  }

  document.addEventListener("submit", function (event) {
    var target = event.target;
    if (!target.matches || !target.matches("form[action$='/delete/']")) return;
    if (!window.confirm("Delete your comment? You can undo it for a few seconds afterwards.")) {
      event.preventDefault();
    }
  });
})();
