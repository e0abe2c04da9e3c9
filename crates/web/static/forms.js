// Forms on a phone, as a progressive enhancement: every form here works without this file.
// - a form with data-confirm asks before it is sent (delete, remove a file);
// - sections of a long form (details[data-section]) count what is still empty as one types;
// - an evidence form (form[data-upload]) shows a thumbnail of the chosen photo, scales photos
//   down in the browser (long side 1600 px, JPEG) and shows the upload's progress.
(function () {
  "use strict";

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  });

  function blank(el) {
    if (el.tagName === "SELECT") return el.value === (el.dataset.blank || "");
    return !el.value.trim();
  }
  function recount(section) {
    var empty = 0;
    section.querySelectorAll("[data-item]").forEach(function (item) {
      var fills = item.matches("[data-fill]") ? [item] : Array.prototype.slice.call(item.querySelectorAll("[data-fill]"));
      if (fills.length && fills.every(blank)) empty++;
    });
    var status = section.querySelector("[data-status]");
    if (!status) return;
    var count = status.querySelector("[data-count]");
    if (count) count.textContent = String(empty);
    status.classList.toggle("full", empty === 0);
  }
  document.querySelectorAll("details[data-section]").forEach(function (section) {
    section.addEventListener("input", function () { recount(section); });
    section.addEventListener("change", function () { recount(section); });
    // After a draft kept in this browser was put back (report.js).
    window.addEventListener("load", function () { recount(section); });
  });

  var LONG_SIDE = 1600;
  var SCALABLE = /^image\/(jpeg|png|webp)$/;

  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () { return createImageBitmap(file); });
    }
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var img = new Image();
        img.onload = function () { resolve(img); };
        img.onerror = reject;
        img.src = reader.result;
      };
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
  }
  function draw(image, longSide) {
    var w = image.width, h = image.height, k = Math.min(1, longSide / Math.max(w, h));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(w * k));
    canvas.height = Math.max(1, Math.round(h * k));
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff"; // a transparent PNG becomes a JPEG on white, not on black
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    return canvas;
  }
  // The photo to send: scaled down when larger than LONG_SIDE or heavy; anything else as it is.
  function prepared(file) {
    if (!SCALABLE.test(file.type) || !window.HTMLCanvasElement) return Promise.resolve({ blob: file, name: file.name });
    return decode(file).then(function (image) {
      if (Math.max(image.width, image.height) <= LONG_SIDE && file.size < 1500000) return { blob: file, name: file.name };
      var canvas = draw(image, LONG_SIDE);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) resolve({ blob: file, name: file.name });
          else resolve({ blob: blob, name: file.name.replace(/\.[^.]*$/, "") + ".jpg", scaled: true });
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return { blob: file, name: file.name }; });
  }

  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    if (!input || !window.FormData || !window.XMLHttpRequest) return;
    var thumbs = document.createElement("div");
    thumbs.className = "thumbs";
    input.insertAdjacentElement("afterend", thumbs);
    var progress = document.createElement("progress");
    progress.className = "upload-progress";
    progress.max = 100;
    progress.value = 0;
    progress.hidden = true;
    var said = document.createElement("p");
    said.className = "muted";
    said.setAttribute("role", "status");
    thumbs.insertAdjacentElement("afterend", progress);
    progress.insertAdjacentElement("afterend", said);

    input.addEventListener("change", function () {
      thumbs.textContent = "";
      said.textContent = "";
      Array.prototype.forEach.call(input.files || [], function (file) {
        if (!/^image\//.test(file.type)) return;
        decode(file).then(function (image) {
          var img = document.createElement("img");
          img.alt = file.name;
          img.src = draw(image, 240).toDataURL("image/jpeg", 0.7); // data: is what the page may show
          thumbs.appendChild(img);
        }).catch(function () { /* a format the browser cannot show (HEIC): no thumbnail */ });
      });
    });

    form.addEventListener("submit", function (e) {
      var file = input.files && input.files[0];
      if (!file) return; // the browser says the field is required
      e.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      said.textContent = form.dataset.uploading || "";
      prepared(file).then(function (sent) {
        var data = new FormData(form);
        data.set("file", sent.blob, sent.name);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action);
        progress.hidden = false;
        xhr.upload.onprogress = function (ev) {
          if (ev.lengthComputable) progress.value = Math.round((ev.loaded / ev.total) * 100);
        };
        xhr.onload = function () {
          if (xhr.status < 400 && xhr.responseURL) {
            window.location.assign(xhr.responseURL);
          } else {
            // The server's own page (a refusal in words) replaces this one, as without script.
            document.open();
            document.write(xhr.responseText);
            document.close();
          }
        };
        xhr.onerror = function () {
          progress.hidden = true;
          said.textContent = form.dataset.failed || "";
          if (button) button.disabled = false;
        };
        xhr.send(data);
      });
    });
  });
})();
