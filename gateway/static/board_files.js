// 連絡帳の添付: the composer's camera and file buttons upload each file at once, with its progress,
// and the post names what was uploaded; a failed upload says why and keeps the typed text. A
// photo in a post opens full screen, and a swipe or the buttons go through the post's photos.
(function () {
  "use strict";

  var timeline = document.getElementById("timeline");

  function errorText(xhr) {
    try {
      var answer = JSON.parse(xhr.responseText);
      if (answer && answer.error && answer.error.message) {
        return answer.error.message;
      }
    } catch (e) {
      // Not the API's answer: a proxy or the network spoke.
    }
    return xhr.status === 0
      ? "送信できませんでした。電波の良い所で、もう一度添付してください。"
      : "添付できませんでした。もう一度お試しください。";
  }

  // Each form with a file box (the composer, every reply form) uploads on its own.
  function attach(box) {
    var form = box.closest("form");
    var ids = box.querySelector("input[name=file_ids]");
    var list = box.querySelector(".uploads");
    var max = parseInt(box.dataset.max, 10) || 4;
    var inFlight = 0;
    var submit = form.querySelector("button[type=submit]");
    box.querySelectorAll(".file-pick").forEach(function (pick) {
      pick.hidden = false;
    });
    box.hidden = false;
    var camera = document.getElementById("camera-pick");
    if (camera && form.contains(camera)) {
      camera.hidden = false;
    }

    var current = function () {
      return ids.value ? ids.value.split(",").filter(Boolean) : [];
    };
    var setIds = function (list) {
      ids.value = list.join(",");
    };
    var busy = function (n) {
      inFlight += n;
      submit.disabled = inFlight > 0;
    };

    var upload = function (file) {
      var item = document.createElement("li");
      item.className = "upload";
      var name = document.createElement("span");
      name.className = "upload-name";
      name.textContent = file.name || "写真";
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", (file.name || "写真") + " の送信");
      item.appendChild(name);
      item.appendChild(bar);
      list.appendChild(item);
      box.classList.add("has-uploads");
      if (current().length + list.querySelectorAll(".upload.sending").length >= max) {
        item.className = "upload failed";
        bar.remove();
        name.textContent = "添付できるのは" + max + "件までです。";
        return;
      }
      item.classList.add("sending");
      busy(1);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", box.dataset.upload);
      xhr.setRequestHeader("X-CSRF-Token", timeline.dataset.csrf);
      xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name || ""));
      xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round((e.loaded / e.total) * 100);
        }
      };
      xhr.onloadend = function () {
        busy(-1);
        item.classList.remove("sending");
        bar.remove();
        if (xhr.status !== 201) {
          item.classList.add("failed");
          name.textContent = (file.name ? file.name + "：" : "") + errorText(xhr);
          return;
        }
        var answer = JSON.parse(xhr.responseText);
        setIds(current().concat([answer.id]));
        item.classList.add("done");
        if (answer.kind === "image" && window.URL && URL.createObjectURL) {
          var img = document.createElement("img");
          img.alt = "";
          img.src = URL.createObjectURL(file);
          item.insertBefore(img, name);
        }
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "secondary";
        remove.textContent = "外す";
        remove.setAttribute("aria-label", (answer.name || "添付") + " を外す");
        remove.addEventListener("click", function () {
          setIds(current().filter(function (id) { return id !== answer.id; }));
          item.remove();
        });
        item.appendChild(remove);
      };
      xhr.send(file);
    };

    form.querySelectorAll("input[type=file]").forEach(function (input) {
      input.addEventListener("change", function () {
        Array.prototype.forEach.call(input.files, upload);
        input.value = "";
      });
    });

    // Once the post is in, the form starts empty again (board.js resets it).
    form.addEventListener("reset", function () {
      list.innerHTML = "";
      box.classList.remove("has-uploads");
      window.setTimeout(function () { setIds([]); }, 0);
    });
  }

  // Posts that arrive live bring their reply forms: each gets its file box too.
  var attachAll = function () {
    document.querySelectorAll(".composer-files[data-upload]:not([data-ready])").forEach(function (box) {
      box.dataset.ready = "1";
      attach(box);
    });
  };
  if (timeline) {
    attachAll();
    new MutationObserver(attachAll).observe(timeline, { childList: true, subtree: true });
  }

  // --- the full-screen viewer -----------------------------------------------------------------
  var viewer = document.getElementById("photo-viewer");
  if (!viewer || !viewer.showModal) {
    return;
  }
  var image = document.getElementById("viewer-image");
  var count = document.getElementById("viewer-count");
  var photos = [];
  var at = 0;
  var show = function (i) {
    at = (i + photos.length) % photos.length;
    image.src = photos[at].href;
    image.alt = "添付の写真（" + (at + 1) + "枚目）";
    count.textContent = photos.length > 1 ? at + 1 + " / " + photos.length : "";
    document.getElementById("viewer-prev").hidden = photos.length < 2;
    document.getElementById("viewer-next").hidden = photos.length < 2;
  };
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a.photo");
    if (!link) {
      return;
    }
    e.preventDefault();
    photos = Array.prototype.slice.call(
      document.querySelectorAll('a.photo[data-photo="' + link.dataset.photo + '"]'));
    viewer.showModal();
    show(photos.indexOf(link));
  });
  document.getElementById("viewer-prev").addEventListener("click", function () { show(at - 1); });
  document.getElementById("viewer-next").addEventListener("click", function () { show(at + 1); });
  document.getElementById("viewer-close").addEventListener("click", function () { viewer.close(); });
  viewer.addEventListener("close", function () { image.removeAttribute("src"); });
  var startX = null;
  image.addEventListener("touchstart", function (e) { startX = e.touches[0].clientX; }, { passive: true });
  image.addEventListener("touchend", function (e) {
    if (startX === null) {
      return;
    }
    var dx = e.changedTouches[0].clientX - startX;
    startX = null;
    if (Math.abs(dx) > 40 && photos.length > 1) {
      show(dx < 0 ? at + 1 : at - 1);
    }
  });
  document.addEventListener("keydown", function (e) {
    if (viewer.open && (e.key === "ArrowRight" || e.key === "ArrowLeft")) {
      show(e.key === "ArrowRight" ? at + 1 : at - 1);
    }
  });
})();
