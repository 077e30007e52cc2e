// Direct upload of archive files from the Wagtail admin (archive/views/uploads.py).
// 1. POST the kind, size and name to the start URL: it answers where to send the file (a
//    presigned S3 POST, or the local upload view) and a signed token.
// 2. Send the file there with XMLHttpRequest, for its upload progress events.
// 3. POST the token to the complete URL: the server checks the file and adds it. Its answer
//    goes into the recording picker beside the controls (if any), chosen.
// Controls are found by event delegation, so that the empty form of an inline panel (steps of
// a savoir-faire record) works once added. Messages come translated from data-msg-* attributes.
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    if (input && input.value) { return input.value; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function message(root, name, values) {
    var text = root.getAttribute("data-msg-" + name) || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.replace("{" + key + "}", values[key]);
    });
    return text;
  }

  function postForm(url, data) {
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest" },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) { throw new Error(body.error || ""); }
        return body;
      });
    });
  }

  // S3 answers errors in XML: keep its code, the messages shown are ours.
  function s3ErrorCode(xhr) {
    var match = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText || "");
    return match ? match[1] : "";
  }

  function sendFile(root, start, file, onProgress) {
    return new Promise(function (resolve, reject) {
      var data = new FormData();
      Object.keys(start.fields).forEach(function (name) { data.append(name, start.fields[name]); });
      // S3 ignores every field after the file: it goes last.
      data.append(start.file_field, file);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", start.url);
      if (!start.direct) {
        xhr.setRequestHeader("X-CSRFToken", csrfToken());
        xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
        xhr.withCredentials = true;
      }
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) { onProgress(event.loaded / event.total); }
      });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 300) { resolve(); return; }
        var text = "";
        if (start.direct) {
          if (s3ErrorCode(xhr) === "EntityTooLarge") { text = message(root, "too-large"); }
        } else {
          try { text = JSON.parse(xhr.responseText).error || ""; } catch (error) { text = ""; }
        }
        reject(new Error(text || message(root, "failed")));
      });
      xhr.addEventListener("error", function () { reject(new Error(message(root, "failed"))); });
      xhr.addEventListener("abort", function () { reject(new Error(message(root, "failed"))); });
      xhr.send(data);
    });
  }

  function institutionFor(root) {
    var own = root.querySelector("[data-upload-institution]");
    if (own) { return own.value; }
    // In the item form, moderators pick the item's institution in the form itself.
    var form = root.closest("form");
    var field = form ? form.querySelector('[name="institution"]') : null;
    return field ? field.value : "";
  }

  function addChoice(root, media) {
    var selectId = root.getAttribute("data-select-id");
    var select = selectId ? document.getElementById(selectId) : null;
    if (!select) { return; }
    var option = document.createElement("option");
    option.value = String(media.id);
    option.textContent = media.label;
    select.appendChild(option);
    select.value = option.value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function showWarning(root, warning) {
    var box = root.querySelector("[data-upload-warning]");
    box.textContent = "";
    box.hidden = !warning;
    if (!warning) { return; }
    var text = document.createElement("p");
    text.textContent = warning.message;
    box.appendChild(text);
    if (warning.items && warning.items.length) {
      var list = document.createElement("ul");
      warning.items.forEach(function (item) {
        var entry = document.createElement("li");
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.label;
        link.target = "_blank";
        link.rel = "noopener";
        entry.appendChild(link);
        list.appendChild(entry);
      });
      box.appendChild(list);
    }
  }

  function upload(root, input) {
    var file = input.files && input.files[0];
    if (!file) { return; }
    var status = root.querySelector("[data-upload-status]");
    var progress = root.querySelector("[data-upload-progress]");
    var kind = root.querySelector("[data-upload-kind]");
    var institution = institutionFor(root);
    var percent = new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "percent" });
    if (root.querySelector("[data-upload-institution]") && !institution) {
      status.textContent = message(root, "choose-institution");
      return;
    }
    input.disabled = true;
    showWarning(root, null);
    progress.hidden = false;
    progress.value = 0;
    status.textContent = message(root, "starting");

    var data = new FormData();
    data.append("kind", kind.value);
    data.append("size", String(file.size));
    data.append("name", file.name);
    if (institution) { data.append("institution", institution); }

    var token = "";
    postForm(root.getAttribute("data-start-url"), data)
      .then(function (start) {
        token = start.token;
        return sendFile(root, start, file, function (fraction) {
          progress.value = Math.round(fraction * 100);
          status.textContent = message(root, "sending", { percent: percent.format(fraction) });
        });
      })
      .then(function () {
        progress.removeAttribute("value");
        status.textContent = message(root, "checking");
        var done = new FormData();
        done.append("token", token);
        return postForm(root.getAttribute("data-complete-url"), done);
      })
      .then(function (result) {
        progress.hidden = true;
        status.textContent = result.message;
        addChoice(root, result.media);
        showWarning(root, result.warning);
      })
      .catch(function (error) {
        progress.hidden = true;
        status.textContent = error.message || message(root, "failed");
      })
      .then(function () {
        input.disabled = false;
        input.value = "";
      });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var root = target.closest ? target.closest("[data-archive-upload]") : null;
    if (!root) { return; }
    if (target.matches("[data-upload-file]")) {
      upload(root, target);
    } else if (target.matches("[data-upload-kind]")) {
      var chosen = target.options[target.selectedIndex];
      root.querySelector("[data-upload-file]").accept = chosen.getAttribute("data-accept") || "";
    }
  });
})();
