// Draws the places listed on the page on a Leaflet map. The list itself is plain HTML, so
// nothing is lost when tiles or this script cannot load: markers still show on a blank map.
(function () {
  "use strict";
  function init(el) {
    if (!window.L) { return; }
    var data = document.getElementById(el.dataset.map);
    if (!data) { return; }
    var markers = JSON.parse(data.textContent);
    if (!markers.length) { return; }
    var map = L.map(el, { scrollWheelZoom: false });
    var tiles = L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution });
    tiles.on("tileerror", function () { el.classList.add("map--no-tiles"); });
    tiles.addTo(map);
    var bounds = [];
    markers.forEach(function (m) {
      var marker = L.circleMarker([m.lat, m.lng], {
        radius: 8, color: "#7a2e0e", weight: 2, fillColor: "#d9822b", fillOpacity: 0.9
      }).addTo(map);
      var link = document.createElement("a");
      link.href = "#" + m.id;
      link.textContent = m.name;
      var popup = document.createElement("div");
      popup.appendChild(link);
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode(m.commune));
      marker.bindPopup(popup);
      bounds.push([m.lat, m.lng]);
    });
    if (bounds.length === 1) { map.setView(bounds[0], 12); } else { map.fitBounds(bounds, { padding: [24, 24] }); }
    el.classList.add("map--ready");
  }
  function start() { document.querySelectorAll("[data-map]").forEach(init); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
