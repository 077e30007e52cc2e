// Zoom for archive photos. Each photo is a link to a larger rendition, which is all a visitor
// gets without JavaScript. With it, a click opens the photo's IIIF tiles in OpenSeadragon
// (deep zoom, keyboard and touch) when the photo has an image service (`data-iiif-info`) and
// the viewer loaded; otherwise, or if the tiles cannot be read, the larger rendition is swapped
// in place, in a frame that scrolls (mouse, touch or arrow keys), centred where the visitor
// clicked. Another click on the rendition, the close button or Escape zooms out.
(function () {
  "use strict";

  function init(link) {
    var figure = link.closest("[data-viewer]");
    var image = link.querySelector("img");
    var hint = link.querySelector(".viewer__hint");
    var small = image.getAttribute("src");
    var zoomed = false;
    var deep = null;

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

    function closeDeep() {
      if (!deep) { return; }
      deep.viewer.destroy();
      deep.box.remove();
      deep = null;
      link.hidden = false;
      link.focus();
    }

    function openDeep(fallback) {
      var box = document.createElement("div");
      box.className = "viewer__deep";
      var stage = document.createElement("div");
      stage.className = "viewer__stage";
      stage.setAttribute("role", "img");
      stage.setAttribute("aria-label", image.getAttribute("alt") || "");
      stage.tabIndex = 0;
      var close = document.createElement("button");
      close.type = "button";
      close.className = "viewer__close button";
      close.textContent = link.dataset.labelOut;
      close.addEventListener("click", closeDeep);
      box.appendChild(stage);
      box.appendChild(close);
      box.addEventListener("keydown", function (event) {
        if (event.key === "Escape") { closeDeep(); }
      });
      link.hidden = true;
      link.insertAdjacentElement("afterend", box);
      var viewer = window.OpenSeadragon({
        element: stage,
        tileSources: link.dataset.iiifInfo,
        prefixUrl: link.dataset.osdImages,
        showNavigator: true,
        crossOriginPolicy: false,
        gestureSettingsMouse: { clickToZoom: true }
      });
      deep = { viewer: viewer, box: box };
      viewer.addHandler("open-failed", function () {
        // No tiles (not made yet): the rendition will do.
        closeDeep();
        fallback();
      });
      stage.focus();
    }

    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
      event.preventDefault();
      if (zoomed) { zoomOut(); return; }
      var box = image.getBoundingClientRect();
      var x = event.clientX ? (event.clientX - box.left) / box.width : 0.5;
      var y = event.clientY ? (event.clientY - box.top) / box.height : 0.5;
      var zoom = function () { zoomIn(Math.min(1, Math.max(0, x)), Math.min(1, Math.max(0, y))); };
      if (link.dataset.iiifInfo && window.OpenSeadragon) { openDeep(zoom); } else { zoom(); }
    });
    link.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && zoomed) { zoomOut(); }
    });
    setLabel();
  }

  function ready() { document.querySelectorAll("[data-zoom]").forEach(init); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
