// 連絡帳: the composer (counter, posting in place), 既読 for the posts actually shown on screen,
// 「未読へ」, 確認しました in place, and live updates of the timeline over server-sent events.
// Without this script the page still works: forms post and the page reloads on the post.
(function () {
  "use strict";

  var timeline = document.getElementById("timeline");
  if (!timeline) {
    return;
  }
  document.documentElement.classList.add("board-js");

  // 分類で絞り込む: choosing a category shows it at once (the button is for pages without script).
  var filter = document.getElementById("category-filter");
  if (filter) {
    filter.addEventListener("change", function () {
      filter.form.submit();
    });
  }
  var board = timeline.dataset.board;
  var csrf = timeline.dataset.csrf;
  var pinned = document.getElementById("pinned");
  var announcer = document.getElementById("announcer");
  var form = document.getElementById("post-form");
  var body = document.getElementById("post-body");

  // One polite live region for everything that arrives: emptied first, so the same words said
  // twice are heard twice.
  function say(text) {
    if (!announcer) {
      return;
    }
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = text;
    }, 60);
  }

  function bringToView(el) {
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
  }

  // The counter shows every keystroke but speaks only when the length crosses a line.
  var counter = document.getElementById("post-counter");
  var updateCounter = function () {};
  if (body && counter) {
    var soft = Number(body.dataset.soft);
    var hard = Number(body.dataset.hard);
    var count = counter.querySelector(".count");
    var over = counter.querySelector(".over-message");
    var level = "";
    updateCounter = function () {
      // Characters as people count them (code points), like the server does.
      var n = Array.from(body.value.trim()).length;
      count.textContent = String(n);
      counter.classList.toggle("long", n > soft && n <= hard);
      counter.classList.toggle("over", n > hard);
      over.hidden = n <= hard;
      var now = n > hard ? "over" : n > soft ? "long" : "";
      if (now !== level) {
        if (now === "over") {
          say("上限の" + hard + "文字を超えています。短くしてください。");
        } else if (now === "long") {
          say(soft + "文字を超えました。");
        }
        level = now;
      }
      form.classList.toggle("open", body.value !== "" || form.contains(document.activeElement));
    };
    body.addEventListener("input", updateCounter);
    form.addEventListener("focusin", function () {
      form.classList.add("open");
    });
    form.addEventListener("focusout", function () {
      window.setTimeout(updateCounter, 0);
    });
    updateCounter();
  }

  function card(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    return holder.firstElementChild;
  }

  // Puts a post's card on the page: in place of the old one (keeping its open details and the
  // focus), or as a new post on top of the timeline (or of the pinned urgent posts).
  function place(html, id) {
    var fresh = html && card(html);
    if (!fresh) {
      return null;
    }
    var old = document.getElementById("post-" + id);
    if (old) {
      var focused = old.contains(document.activeElement);
      if (old.querySelector("details[open]")) {
        var d = fresh.querySelector("details");
        if (d) {
          d.open = true;
        }
      }
      old.replaceWith(fresh);
      if (focused) {
        fresh.focus({ preventScroll: true });
      }
    } else {
      var empty = timeline.querySelector(".empty");
      if (empty) {
        empty.remove();
      }
      fresh.classList.add("arrived");
      if (pinned && fresh.dataset.ackNeeded) {
        pinned.hidden = false;
        pinned.insertBefore(fresh, pinned.querySelector("article"));
      } else {
        timeline.prepend(fresh);
      }
    }
    watch(fresh);
    return fresh;
  }

  function fetchPost(id) {
    return fetch("/boards/" + board + "/posts/" + id, {
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (r) {
      return r.ok ? r.text() : null;
    });
  }

  function refresh(id) {
    return fetchPost(id).then(function (html) {
      return place(html, id);
    });
  }

  // --- 既読: only what the screen has shown, for a moment, while the page is in front ---------
  var DWELL_MS = 800;
  var FLUSH_MS = 1500;
  var pending = new Set();
  var timers = new Map();
  var flushTimer = 0;
  var unreadTotal = document.querySelector("#unread-total strong");
  var toUnread = document.getElementById("to-unread");

  function oldestUnread() {
    var list = timeline.querySelectorAll("article.unread:not([data-mine])");
    if (!list.length && pinned) {
      list = pinned.querySelectorAll("article.unread:not([data-mine])");
    }
    return list.length ? list[list.length - 1] : null;
  }

  function shownLocally(id) {
    var a = document.getElementById("post-" + id);
    if (!a || !a.classList.contains("unread")) {
      return;
    }
    a.classList.remove("unread");
    a.querySelectorAll(".unread-mark, form.read-form").forEach(function (el) {
      el.remove();
    });
    if (unreadTotal) {
      var left = Math.max(0, Number(unreadTotal.textContent) - 1);
      unreadTotal.textContent = String(left);
      if (left === 0) {
        unreadTotal.parentNode.textContent = "未読はありません";
        unreadTotal = null;
      }
    }
    if (toUnread) {
      var next = oldestUnread();
      if (next) {
        toUnread.href = "#" + next.id;
      } else {
        toUnread.remove();
        toUnread = null;
      }
    }
  }

  function flush(leaving) {
    window.clearTimeout(flushTimer);
    flushTimer = 0;
    if (!pending.size) {
      return;
    }
    var ids = Array.from(pending).slice(0, 100);
    ids.forEach(function (id) {
      pending.delete(id);
    });
    fetch(timeline.dataset.reads, {
      method: "POST",
      body: new URLSearchParams({ csrf_token: csrf, post_ids: ids.join(",") }),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
      keepalive: !!leaving,
    })
      .then(function (r) {
        if (!r.ok) {
          throw new Error(String(r.status));
        }
        ids.forEach(shownLocally);
      })
      .catch(function () {
        // Told again later: a repeat marks nothing twice.
        ids.forEach(function (id) {
          pending.add(id);
        });
        schedule(5000);
      });
    if (pending.size) {
      schedule(FLUSH_MS);
    }
  }

  function schedule(ms) {
    if (!flushTimer) {
      flushTimer = window.setTimeout(flush, ms);
    }
  }

  function queue(a) {
    if (!a.isConnected || !a.classList.contains("unread") || a.dataset.mine) {
      return;
    }
    pending.add(a.dataset.post);
    if (pending.size >= 50) {
      flush();
    } else {
      schedule(FLUSH_MS);
    }
  }

  var observer = null;
  if (window.IntersectionObserver) {
    // The composer bar covers the bottom of the screen: what is behind it is not shown.
    var cover = form ? form.getBoundingClientRect().height : 0;
    observer = new IntersectionObserver(
      function (entries) {
        entries.forEach(function (e) {
          var a = e.target;
          var id = a.dataset.post;
          var screen = window.innerHeight || document.documentElement.clientHeight;
          var shown =
            e.isIntersecting &&
            (e.intersectionRatio >= 0.6 || e.intersectionRect.height >= screen * 0.4);
          if (shown && !timers.has(id)) {
            timers.set(
              id,
              window.setTimeout(function () {
                timers.delete(id);
                if (document.visibilityState === "visible") {
                  queue(a);
                }
              }, DWELL_MS),
            );
          } else if (!shown && timers.has(id)) {
            window.clearTimeout(timers.get(id));
            timers.delete(id);
          }
        });
      },
      { threshold: [0, 0.25, 0.5, 0.6, 0.75, 1], rootMargin: "0px 0px -" + Math.round(cover) + "px 0px" },
    );
  }

  function watch(a) {
    if (observer && a.classList.contains("unread") && !a.dataset.mine) {
      observer.unobserve(a);
      observer.observe(a);
    }
  }

  function watchAll() {
    document.querySelectorAll("article.post.unread").forEach(watch);
  }
  watchAll();
  // Back in front: what is on screen now counts from now.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      watchAll();
    } else {
      flush(true);
    }
  });
  window.addEventListener("pagehide", function () {
    flush(true);
  });

  if (toUnread) {
    toUnread.addEventListener("click", function (e) {
      var a = oldestUnread();
      if (a) {
        e.preventDefault();
        bringToView(a);
      }
    });
  }

  // The post a link led to (the urgent email's): in view and focused.
  var focus = timeline.dataset.focus && document.getElementById("post-" + timeline.dataset.focus);
  if (focus) {
    bringToView(focus);
  }

  // --- posting in place: the new post is shown, announced and focused ------------------------
  function freshKey(f) {
    var key = f.querySelector("input[name=idempotency_key]");
    if (key && window.crypto && window.crypto.randomUUID) {
      key.value = window.crypto.randomUUID();
    }
  }

  if (form && body) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      })
        .then(function (r) {
          if (!r.ok) {
            // The server's page says what is wrong, with the text kept.
            form.submit();
            return;
          }
          return r.text().then(function (html) {
            var a = card(html);
            var p = a && place(html, a.dataset.post);
            form.reset();
            freshKey(form);
            updateCounter();
            if (p) {
              bringToView(p);
            }
            say(p && p.classList.contains("urgent") ? "緊急（重要）として書き込みました。チームの全員にメールで知らせます。" : "書き込みました。");
          });
        })
        .catch(function () {
          form.submit();
        })
        .finally(function () {
          button.disabled = false;
        });
    });
  }

  // 既読にする (without the script) and 確認しました, without leaving the page; the focus stays on
  // the post.
  document.querySelector(".board-page").addEventListener("submit", function (e) {
    var f = e.target;
    if (!f.classList.contains("mark")) {
      return;
    }
    e.preventDefault();
    var article = f.closest("article");
    article.focus({ preventScroll: true });
    fetch(f.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(f)),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (r) {
      if (!r.ok) {
        f.submit();
        return;
      }
      return r.text().then(function (html) {
        var p = place(html, article.dataset.post);
        if (p) {
          p.focus({ preventScroll: true });
        }
        if (f.classList.contains("ack-form")) {
          say("確認しました。");
        }
      });
    });
  });

  // --- live updates ------------------------------------------------------------------------
  if (!window.EventSource) {
    return;
  }
  function refreshShown() {
    document.querySelectorAll("article[data-post]").forEach(function (a) {
      refresh(a.dataset.post);
    });
  }

  function arrived(p) {
    if (!p || p.dataset.mine) {
      return;
    }
    var who = p.querySelector(".author");
    var name = who ? who.textContent + "さん" : "チームの方";
    say(
      p.classList.contains("urgent")
        ? "緊急（重要）の新しい書き込みがあります（" + name + "）。"
        : "新しい書き込みがあります（" + name + "）。",
    );
  }

  // After the stream was cut, what was said meanwhile is fetched: posts newer than the ones
  // shown (on the newest page only) and the marks of those shown.
  function catchUp() {
    if (new URLSearchParams(window.location.search).has("cursor")) {
      refreshShown();
      return;
    }
    fetch("/boards/" + board, { credentials: "same-origin" })
      .then(function (r) {
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (!html) {
          return;
        }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var newest = Array.prototype.slice.call(doc.querySelectorAll("#timeline article[data-post]"));
        newest.reverse().forEach(function (a) {
          if (!document.getElementById("post-" + a.dataset.post)) {
            arrived(place(a.outerHTML, a.dataset.post));
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
    var known = !!document.getElementById("post-" + e.data);
    refresh(e.data).then(function (p) {
      if (!known) {
        arrived(p);
      }
    });
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
