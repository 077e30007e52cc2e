// The heritage map: members, event sites and archive items read from the open API's GeoJSON
// (data-api) for the visible area, clustered, filtered by the page's form. The page lists every
// member and event site itself, so nothing is lost without this script or without tiles.
(function () {
  "use strict";

  var LAYERS = ["members", "sites", "items"];

  function format(template, count) {
    return template.replace("%(count)s", String(count));
  }

  function clamp(value, limit) {
    return Math.max(-limit, Math.min(limit, value));
  }

  // "south,west,north,east", as the API and the archive search read it.
  function bboxOf(bounds) {
    return [
      clamp(bounds.getSouth(), 90), clamp(bounds.getWest(), 180),
      clamp(bounds.getNorth(), 90), clamp(bounds.getEast(), 180)
    ].map(function (v) { return v.toFixed(5); }).join(",");
  }

  function text(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    node.textContent = content;
    return node;
  }

  function markerIcon(layer, title) {
    var html = document.createElement("span");
    html.appendChild(text("span", "visually-hidden", title));
    return L.divIcon({
      className: "heritage-marker heritage-marker--" + layer,
      html: html,
      iconSize: [18, 18]
    });
  }

  function clusterIcon(layer, count, label) {
    var html = document.createElement("span");
    html.setAttribute("aria-hidden", "true");
    html.textContent = String(count);
    var wrapper = document.createElement("span");
    wrapper.appendChild(html);
    wrapper.appendChild(text("span", "visually-hidden", label));
    return L.divIcon({
      className: "heritage-cluster heritage-cluster--" + layer,
      html: wrapper,
      iconSize: [36, 36]
    });
  }

  function popupFor(props) {
    var box = document.createElement("div");
    var link = text("a", "", props.title || "");
    link.href = props.url || "#";
    box.appendChild(link);
    return box;
  }

  function init(el) {
    if (!window.L || !L.markerClusterGroup) { return; }
    var config = JSON.parse(document.getElementById(el.dataset.heritageMap).textContent);
    var labels = config.labels;
    var form = document.querySelector("[data-map-filters]");
    var status = document.querySelector("[data-map-status]");
    var searchArea = document.querySelector("[data-search-area]");

    var map = L.map(el, { scrollWheelZoom: false, maxZoom: 18 });
    var tiles = L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution });
    tiles.on("tileerror", function () { el.classList.add("map--no-tiles"); });
    tiles.addTo(map);

    var groups = {};
    LAYERS.forEach(function (layer) {
      groups[layer] = L.markerClusterGroup({
        showCoverageOnHover: false,
        maxClusterRadius: 48,
        iconCreateFunction: function (cluster) {
          var count = cluster.getChildCount();
          return clusterIcon(layer, count, format(labels.cluster, count));
        }
      }).addTo(map);
    });

    function chosenLayers() {
      return LAYERS.filter(function (layer) {
        var box = form.querySelector('input[name="layer"][value="' + layer + '"]');
        return box && box.checked;
      });
    }

    function chosenTrade() {
      var select = form.querySelector('select[name="trade"]');
      return select ? select.value : "";
    }

    function addFeature(feature) {
      var props = feature.properties || {};
      var group = groups[props.layer];
      if (!group || !feature.geometry) { return 0; }
      var lonlat = feature.geometry.coordinates;
      var latlng = L.latLng(lonlat[1], lonlat[0]);
      if (props.cluster) {
        // Clustered by the server at low zoom: opening one zooms to its area.
        var marker = L.marker(latlng, {
          icon: clusterIcon("items", props.count, format(labels.items, props.count)),
          keyboard: true
        });
        marker.on("click", function () {
          var b = String(props.bbox || "").split(",").map(parseFloat);
          if (b.length === 4 && b.every(isFinite)) {
            map.fitBounds([[b[0], b[1]], [b[2], b[3]]]);
          } else {
            map.setView(latlng, map.getZoom() + 2);
          }
        });
        group.addLayer(marker);
        return props.count;
      }
      var point = L.marker(latlng, {
        icon: markerIcon(props.layer, props.title || ""),
        title: props.title || "",
        keyboard: true
      });
      point.bindPopup(popupFor(props));
      group.addLayer(point);
      return 1;
    }

    var latest = 0;
    function load() {
      var layers = chosenLayers();
      var trade = chosenTrade();
      LAYERS.forEach(function (layer) {
        if (layers.indexOf(layer) === -1) { groups[layer].clearLayers(); }
      });
      if (!layers.length) {
        status.textContent = format(labels.status, 0);
        return;
      }
      var params = new URLSearchParams();
      layers.forEach(function (layer) { params.append("layer", layer); });
      params.set("bbox", bboxOf(map.getBounds()));
      params.set("zoom", String(map.getZoom()));
      if (trade) { params.set("trade", trade); }
      params.set("lang", el.dataset.lang);
      var request = ++latest;
      fetch(el.dataset.api + "?" + params.toString(), { headers: { Accept: "application/geo+json, application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          if (request !== latest) { return; }
          layers.forEach(function (layer) { groups[layer].clearLayers(); });
          var count = 0;
          (data.features || []).forEach(function (feature) {
            if (layers.indexOf((feature.properties || {}).layer) !== -1) { count += addFeature(feature); }
          });
          status.textContent = format(labels.status, count);
          el.classList.add("map--ready");
        })
        .catch(function () {
          if (request !== latest) { return; }
          status.textContent = labels.error;
        });
    }

    var timer = null;
    function loadSoon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, 150);
    }

    // Filters apply at once; the form still submits (and filters the list) without JavaScript.
    form.addEventListener("change", function () {
      var params = new URLSearchParams();
      chosenLayers().forEach(function (layer) { params.append("layer", layer); });
      if (chosenTrade()) { params.set("trade", chosenTrade()); }
      window.history.replaceState(null, "", "?" + params.toString());
      load();
    });

    searchArea.hidden = false;
    searchArea.addEventListener("click", function () {
      var params = new URLSearchParams();
      params.set("bbox", bboxOf(map.getBounds()));
      params.set("zoom", String(map.getZoom()));
      if (chosenTrade()) { params.set("trade", chosenTrade()); }
      window.location.assign(el.dataset.searchUrl + "?" + params.toString());
    });

    map.on("moveend", loadSoon);
    map.fitBounds(config.bounds, { padding: [24, 24], maxZoom: 12 });
  }

  function start() { document.querySelectorAll("[data-heritage-map]").forEach(init); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
