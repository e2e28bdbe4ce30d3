// 連絡帳: the live character counter, and live updates of the timeline over server-sent events.
// Without this script the page still works: forms post and the page reloads.
(function () {
  "use strict";

  var body = document.getElementById("post-body");
  var counter = document.getElementById("post-counter");
  if (body && counter) {
    var soft = Number(body.dataset.soft);
    var hard = Number(body.dataset.hard);
    var count = counter.querySelector(".count");
    var over = counter.querySelector(".over-message");
    var update = function () {
      // Characters as people count them (code points), like the server does.
      var n = Array.from(body.value.trim()).length;
      count.textContent = String(n);
      counter.classList.toggle("long", n > soft && n <= hard);
      counter.classList.toggle("over", n > hard);
      over.hidden = n <= hard;
    };
    body.addEventListener("input", update);
    update();
  }

  var timeline = document.getElementById("timeline");
  if (!timeline) {
    return;
  }
  var board = timeline.dataset.board;

  function fetchPost(id) {
    return fetch("/boards/" + board + "/posts/" + id, {
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (r) {
      return r.ok ? r.text() : null;
    });
  }

  function place(html, id) {
    if (!html) {
      return;
    }
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.firstElementChild;
    if (!fresh) {
      return;
    }
    var old = document.getElementById("post-" + id);
    if (old) {
      var open = old.querySelector("details[open]");
      if (open) {
        var d = fresh.querySelector("details");
        if (d) {
          d.open = true;
        }
      }
      old.replaceWith(fresh);
    } else {
      var empty = timeline.querySelector(".empty");
      if (empty) {
        empty.remove();
      }
      fresh.classList.add("arrived");
      timeline.prepend(fresh);
    }
  }

  function refresh(id) {
    fetchPost(id).then(function (html) {
      place(html, id);
    });
  }

  // 既読にする and 確認しました without leaving the page.
  timeline.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.classList.contains("mark")) {
      return;
    }
    e.preventDefault();
    var article = form.closest("article");
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (r) {
      if (r.ok) {
        return r.text().then(function (html) {
          place(html, article.dataset.post);
        });
      }
      form.submit();
    });
  });

  if (!window.EventSource) {
    return;
  }
  function refreshShown() {
    timeline.querySelectorAll("article[data-post]").forEach(function (a) {
      refresh(a.dataset.post);
    });
  }

  // After the stream was cut, what was said meanwhile is fetched: posts newer than the ones
  // shown (on the newest page only) and the marks of those shown.
  function catchUp() {
    if (new URLSearchParams(window.location.search).has("cursor")) {
      refreshShown();
      return;
    }
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (r) {
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (!html) {
          return;
        }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var newest = Array.prototype.slice.call(
          doc.querySelectorAll("#timeline article[data-post]"),
        );
        newest.reverse().forEach(function (a) {
          if (!document.getElementById("post-" + a.dataset.post)) {
            place(a.outerHTML, a.dataset.post);
          }
        });
        refreshShown();
      });
  }

  var status = document.getElementById("live-status");
  var source = new EventSource(timeline.dataset.live);
  var cut = false;
  source.addEventListener("open", function () {
    if (status) {
      status.hidden = false;
    }
    if (cut) {
      cut = false;
      catchUp();
    }
  });
  source.addEventListener("post", function (e) {
    refresh(e.data);
  });
  source.addEventListener("marks", function (e) {
    // An empty list: the gateway fell behind and cannot say which changed.
    if (!e.data) {
      refreshShown();
      return;
    }
    e.data.split(",").forEach(function (id) {
      if (document.getElementById("post-" + id)) {
        refresh(id);
      }
    });
  });
  source.addEventListener("error", function () {
    cut = true;
    if (status) {
      status.hidden = true;
    }
  });
})();
