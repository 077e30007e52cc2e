// The search page, made quicker to use. Without this script everything still works: facets are
// links, the filters are a GET form with an "Apply" button, the datalists hold the trades and
// places of the results, and the results are listed under the map's place.
// With it: sorting applies at once, picking a suggestion applies it, suggestions come from the
// whole archive as you type, the filters fold away on small screens, and the map shows the
// results' clusters with a "Search this area" button.
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  if (!form) { return; }
  var strings = {};
  var stringsData = document.getElementById("search-strings");
  if (stringsData) { strings = JSON.parse(stringsData.textContent); }

  function submit() {
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  // Sorting (and any other control marked data-autosubmit) applies on change.
  form.querySelectorAll("[data-autosubmit]").forEach(function (control) {
    control.addEventListener("change", submit);
  });

  // Filters fold away on small screens, so the results come first; the summary says how many
  // filters are in force.
  var panel = form.querySelector("[data-collapse-narrow]");
  if (panel && window.matchMedia && window.matchMedia("(max-width: 47.99rem)").matches) {
    panel.removeAttribute("open");
  }

  // Autocomplete: the datalist of a trade or place box is refilled from the suggest endpoint;
  // picking one of its options applies the filter.
  var suggestUrl = form.dataset.suggestUrl;
  form.querySelectorAll("[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var timer = null;
    var controller = null;

    function isOption(value) {
      return Array.prototype.some.call(list.options, function (option) { return option.value === value; });
    }

    function fill(suggestions) {
      var current = {};
      suggestions.forEach(function (label) { current[label] = true; });
      // Keep what the page listed that still fits, add what the server found.
      Array.prototype.slice.call(list.options).forEach(function (option) {
        if (!current[option.value]) { option.remove(); }
      });
      suggestions.forEach(function (label) {
        if (!isOption(label)) {
          var option = document.createElement("option");
          option.value = label;
          list.appendChild(option);
        }
      });
    }

    input.addEventListener("input", function (event) {
      var value = input.value.trim();
      // A pick from the list arrives as a replacement, not as typing.
      if (value && (event.inputType === "insertReplacementText" || event.inputType === undefined) && isOption(value)) {
        submit();
        return;
      }
      window.clearTimeout(timer);
      if (value.length < 2 || !suggestUrl || !window.fetch) { return; }
      timer = window.setTimeout(function () {
        if (controller) { controller.abort(); }
        controller = window.AbortController ? new AbortController() : null;
        var url = suggestUrl + "?" + new URLSearchParams({ field: input.dataset.suggest, q: value });
        fetch(url, { headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined })
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (data) { fill(data.suggestions || []); })
          .catch(function () {});
      }, 200);
    });
  });

  // The map. The server sends clusters of cells finer than the map shows; they are merged here
  // into cells of CELL pixels at the map's zoom, and split again as the visitor zooms in.
  var mapEl = document.querySelector("[data-search-map]");
  if (!mapEl || !window.L) { return; }
  var CELL = 64;
  var clusters = JSON.parse(document.getElementById(mapEl.dataset.searchMap).textContent);
  var map = L.map(mapEl, { scrollWheelZoom: false });
  var tiles = L.tileLayer(mapEl.dataset.tiles, { maxZoom: 18, attribution: mapEl.dataset.attribution });
  tiles.on("tileerror", function () { mapEl.classList.add("map--no-tiles"); });
  tiles.addTo(map);

  // The view first: Leaflet only draws markers (and gives them elements) on a map that has one.
  var points = clusters.map(function (cluster) { return [cluster.lat, cluster.lng]; });
  var box = mapEl.dataset.bbox ? mapEl.dataset.bbox.split(",").map(parseFloat) : null;
  if (box) {
    map.fitBounds([[box[0], box[1]], [box[2], box[3]]]);
  } else if (points.length === 1) {
    map.setView(points[0], clusters[0].count === 1 ? 12 : 9);
  } else if (points.length) {
    map.fitBounds(points, { padding: [32, 32], maxZoom: 12 });
  } else {
    map.setView([49.5, 4.5], 6);
  }

  function merged(zoom) {
    var cells = {};
    clusters.forEach(function (cluster) {
      var p = map.project([cluster.lat, cluster.lng], zoom);
      var key = Math.floor(p.x / CELL) + ":" + Math.floor(p.y / CELL);
      var cell = cells[key] || (cells[key] = { lat: 0, lng: 0, count: 0, parts: [] });
      cell.lat += cluster.lat * cluster.count;
      cell.lng += cluster.lng * cluster.count;
      cell.count += cluster.count;
      cell.parts.push(cluster);
    });
    return Object.keys(cells).map(function (key) {
      var cell = cells[key];
      return {
        lat: cell.lat / cell.count,
        lng: cell.lng / cell.count,
        count: cell.count,
        one: cell.count === 1 ? cell.parts[0] : null,
        label: cell.parts.length === 1 ? cell.parts[0].label : null
      };
    });
  }

  var layer = L.layerGroup().addTo(map);
  function draw() {
    layer.clearLayers();
    merged(map.getZoom()).forEach(function (cell) {
      var size = cell.count === 1 ? 28 : Math.min(56, 30 + Math.round(Math.log(cell.count) * 6));
      var icon = L.divIcon({
        className: "search-cluster" + (cell.count === 1 ? " search-cluster--one" : ""),
        html: '<span aria-hidden="true">' + cell.count + "</span>",
        iconSize: [size, size]
      });
      var marker = L.marker([cell.lat, cell.lng], { icon: icon, keyboard: true }).addTo(layer);
      var element = marker.getElement();
      if (cell.one && cell.one.url) {
        var link = document.createElement("a");
        link.href = cell.one.url;
        link.textContent = cell.one.title;
        marker.bindPopup(link);
        if (element) { element.setAttribute("aria-label", cell.one.title); }
      } else {
        marker.on("click", function () { map.setView([cell.lat, cell.lng], Math.min(map.getZoom() + 2, 18)); });
        var label = (cell.label || (strings.many || "%(count)d").replace("%(count)d", cell.count));
        if (element) { element.setAttribute("aria-label", label + " – " + (strings.zoom || "")); }
      }
    });
  }
  draw();
  map.on("zoomend", draw);
  mapEl.classList.add("map--ready");

  // "Search this area" appears once the visitor moves the map, and searches its bounds.
  var button = document.querySelector("[data-search-area]");
  if (!button) { return; }
  map.once("movestart", function () {
    map.once("moveend", function () { button.hidden = false; });
  });

  function field(name) {
    var input = form.querySelector('input[type="hidden"][name="' + name + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    return input;
  }

  button.addEventListener("click", function () {
    var b = map.getBounds();
    var clamp = function (v, limit) { return Math.max(-limit, Math.min(limit, v)).toFixed(5); };
    field("bbox").value = [clamp(b.getSouth(), 90), clamp(b.getWest(), 180), clamp(b.getNorth(), 90), clamp(b.getEast(), 180)].join(",");
    field("zoom").value = String(map.getZoom());
    submit();
  });
})();
