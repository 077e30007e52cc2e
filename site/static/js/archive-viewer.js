// Zoom for archive photos. Each photo is a link to a larger rendition, which is all a visitor
// gets without JavaScript; with it, a click swaps in the larger rendition in place, in a frame
// that scrolls (mouse, touch or arrow keys), centred where the visitor clicked. Another click
// or Escape zooms out.
(function () {
  "use strict";

  function init(link) {
    var figure = link.closest("[data-viewer]");
    var image = link.querySelector("img");
    var hint = link.querySelector(".viewer__hint");
    var small = image.getAttribute("src");
    var zoomed = false;

    function setLabel() {
      if (hint) { hint.textContent = zoomed ? link.dataset.labelOut : link.dataset.labelIn; }
    }

    function zoomOut() {
      zoomed = false;
      figure.classList.remove("viewer--zoomed");
      image.src = small;
      setLabel();
    }

    function zoomIn(ratioX, ratioY) {
      zoomed = true;
      figure.classList.add("viewer--loading");
      var large = new Image();
      large.onload = function () {
        figure.classList.remove("viewer--loading");
        if (!zoomed) { return; }
        image.src = link.href;
        figure.classList.add("viewer--zoomed");
        link.scrollLeft = ratioX * (link.scrollWidth - link.clientWidth);
        link.scrollTop = ratioY * (link.scrollHeight - link.clientHeight);
      };
      large.onerror = function () {
        // Could not load in place: follow the link instead.
        figure.classList.remove("viewer--loading");
        window.location.href = link.href;
      };
      large.src = link.href;
      setLabel();
    }

    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
      event.preventDefault();
      if (zoomed) { zoomOut(); return; }
      var box = image.getBoundingClientRect();
      var x = event.clientX ? (event.clientX - box.left) / box.width : 0.5;
      var y = event.clientY ? (event.clientY - box.top) / box.height : 0.5;
      zoomIn(Math.min(1, Math.max(0, x)), Math.min(1, Math.max(0, y)));
    });
    link.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && zoomed) { zoomOut(); }
    });
    setLabel();
  }

  function ready() { document.querySelectorAll("[data-zoom]").forEach(init); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
