// Ties an oral history's transcript to its player. Without this script every time in the
// transcript is still a link (?t=SECONDS) and the page starts the recording there through a
// media fragment (#t=SECONDS) on its source; with it, a click seeks without reloading, ?t= also
// starts playback, and the segment being heard is highlighted.
(function () {
  "use strict";

  function startParam() {
    var value = new URLSearchParams(window.location.search).get("t");
    var seconds = value === null ? NaN : parseFloat(value);
    return isFinite(seconds) && seconds >= 0 ? seconds : null;
  }

  function init(root) {
    var media = root.querySelector("audio, video");
    if (!media) { return; }
    var box = root.querySelector(".transcript__segments");
    var segments = Array.prototype.slice.call(root.querySelectorAll("[data-start]"));
    var starts = segments.map(function (el) { return parseFloat(el.dataset.start); });
    var current = null;

    function play() {
      var promise = media.play();
      // Browsers may refuse to play before the visitor interacts: the position is still set.
      if (promise && promise.catch) { promise.catch(function () {}); }
    }

    function seek(seconds, andPlay) {
      if (media.readyState >= 1) {
        media.currentTime = seconds;
        if (andPlay) { play(); }
        return;
      }
      media.addEventListener("loadedmetadata", function () {
        media.currentTime = seconds;
        if (andPlay) { play(); }
      }, { once: true });
      if (media.preload === "none") { media.preload = "metadata"; }
      media.load();
    }

    function highlight() {
      var now = media.currentTime;
      var found = null;
      for (var i = 0; i < starts.length && starts[i] <= now; i++) { found = segments[i]; }
      if (found === current) { return; }
      if (current) { current.classList.remove("is-current"); current.removeAttribute("aria-current"); }
      if (found) {
        found.classList.add("is-current");
        found.setAttribute("aria-current", "true");
        // Keep the segment in view inside the transcript box, without moving the page.
        if (box && box.scrollHeight > box.clientHeight) {
          var top = found.offsetTop - box.offsetTop;
          if (top < box.scrollTop || top + found.offsetHeight > box.scrollTop + box.clientHeight) {
            box.scrollTop = Math.max(0, top - box.clientHeight / 3);
          }
        }
      }
      current = found;
    }

    segments.forEach(function (el, index) {
      el.addEventListener("click", function (event) {
        // Let people select text, and open a time in a new tab, as usual.
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
        if (String(window.getSelection ? window.getSelection() : "")) { return; }
        event.preventDefault();
        seek(starts[index], true);
        var link = el.querySelector("a[href]");
        if (link && window.history.replaceState) {
          window.history.replaceState(null, "", link.getAttribute("href"));
        }
      });
    });

    media.addEventListener("timeupdate", highlight);
    media.addEventListener("seeked", highlight);

    var start = startParam();
    if (start !== null) { seek(start, true); }
  }

  function ready() { document.querySelectorAll("[data-player]").forEach(init); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
