// Town and country names drawn from the bundled gazetteer, with no tiles and no network.
// Trusted code; names come from a data file and are set with textContent only.
// Each place shows from its own zoom on (bigger towns earlier), so labels never crowd.
(function (map, data) {
  "use strict";
  var layer = L.layerGroup().addTo(map);
  var shown = {};

  function label(place) {
    var box = document.createElement("div");
    box.className = place.kind === "country" ? "country-label" : "town-label";
    if (place.kind !== "country") {
      var dot = document.createElement("span");
      dot.className = "town-dot";
      box.appendChild(dot);
    }
    var name = document.createElement("span");
    name.textContent = place.name;
    box.appendChild(name);
    return L.marker([place.lat, place.lon], {
      icon: L.divIcon({ html: box, className: "place-label-icon", iconSize: null,
                        iconAnchor: place.kind === "country" ? [40, 8] : [3, 8] }),
      interactive: false, keyboard: false, zIndexOffset: -2000,
    });
  }

  function update() {
    var zoom = map.getZoom();
    data.places.forEach(function (place, i) {
      var want = zoom >= place.min_zoom;
      if (want && !shown[i]) { shown[i] = label(place).addTo(layer); }
      if (!want && shown[i]) { layer.removeLayer(shown[i]); delete shown[i]; }
    });
  }
  map.on("zoomend", update);
  update();
})
