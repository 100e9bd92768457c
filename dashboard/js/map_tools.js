// Offline map tools on the map itself: a coordinate readout, a distance measure and a place search.
// Trusted code; place names come from the bundled gazetteer and are set with textContent only.
(function (map, data) {
  "use strict";
  var EARTH_KM = 6371.0088;

  // In the live page (streamlit-folium), clicks are counted from 0 while the page's default for the
  // count is None: starting from null (null + 1 is 1) makes the map's first report equal that
  // default, so opening the page costs no second run. Absent in a saved map.
  var shared = window.__GLOBAL_DATA__;
  if (shared && shared.last_object_clicked_count === 0) { shared.last_object_clicked_count = null; }

  function km(a, b) {
    var rad = Math.PI / 180, dLat = (b.lat - a.lat) * rad, dLon = (b.lng - a.lng) * rad;
    var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
            Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * EARTH_KM * Math.asin(Math.sqrt(h));
  }

  // One control in a map corner: a box that keeps its clicks and scrolls from the map, filled by `build`.
  function tool(position, className, build) {
    var control = L.control({ position: position });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "map-tool " + className);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      build(div);
      return div;
    };
    control.addTo(map);
  }

  // Coordinate readout: where the pointer is, in decimal degrees.
  tool("bottomright", "coordinate-readout", function (div) {
    div.textContent = "Move over the map for coordinates";
    map.on("mousemove", function (e) {
      div.textContent = e.latlng.lat.toFixed(4) + ", " + e.latlng.lng.toFixed(4);
    });
  });

  // Distance measure: while on, each click adds a point; the total is the great-circle length.
  tool("topleft", "distance-measure", function (div) {
    var button = L.DomUtil.create("button", "measure-button", div);
    button.type = "button";
    button.textContent = "Measure";
    var result = L.DomUtil.create("span", "measure-result", div);
    var points = [], line = null, active = false;
    function reset() {
      points = [];
      if (line) { map.removeLayer(line); line = null; }
      result.textContent = "";
    }
    button.addEventListener("click", function () {
      active = !active;
      button.textContent = active ? "Stop measuring" : "Measure";
      map.getContainer().style.cursor = active ? "crosshair" : "";
      if (active) { reset(); result.textContent = " click points on the map"; }
    });
    map.on("click", function (e) {
      if (!active) { return; }
      points.push(e.latlng);
      if (line) { map.removeLayer(line); }
      line = L.polyline(points, { color: "#212529", weight: 2, dashArray: "2 6", interactive: false }).addTo(map);
      var total = 0;
      for (var i = 1; i < points.length; i++) { total += km(points[i - 1], points[i]); }
      result.textContent = " " + total.toFixed(1) + " km";
    });
  });

  // Draw an area (the live page only): click its corners, then Finish. The polygon is handed to the
  // page as a drawing (the "draw:created" event streamlit-folium reports), where it becomes a filter.
  if (data.draw) {
    tool("topleft", "area-draw", function (div) {
      var button = L.DomUtil.create("button", "draw-button", div);
      button.type = "button";
      button.textContent = "Draw area";
      var finish = L.DomUtil.create("button", "draw-finish", div);
      finish.type = "button";
      finish.textContent = "Finish";
      finish.style.display = "none";
      var hint = L.DomUtil.create("span", "draw-hint", div);
      var corners = [], outline = null, active = false;
      function clear() {
        corners = [];
        if (outline) { map.removeLayer(outline); outline = null; }
      }
      function stop() {
        active = false;
        clear();
        button.textContent = "Draw area";
        finish.style.display = "none";
        hint.textContent = "";
        map.getContainer().style.cursor = "";
        map.doubleClickZoom.enable();
      }
      button.addEventListener("click", function () {
        if (active) { stop(); return; }
        active = true;
        clear();
        button.textContent = "Cancel";
        hint.textContent = " click the corners on the map";
        map.getContainer().style.cursor = "crosshair";
        map.doubleClickZoom.disable();
      });
      finish.addEventListener("click", function () {
        if (corners.length < 3) { return; }
        var area = L.polygon(corners.slice());
        stop();
        map.fire("draw:created", { layer: area, layerType: "polygon" });
      });
      map.on("click", function (e) {
        if (!active) { return; }
        corners.push(e.latlng);
        if (outline) { map.removeLayer(outline); }
        outline = L.polygon(corners, { color: "#212529", weight: 2, dashArray: "6 4", fillOpacity: 0.05,
                                       interactive: false }).addTo(map);
        finish.style.display = corners.length >= 3 ? "" : "none";
        hint.textContent = " " + corners.length + (corners.length === 1 ? " corner" : " corners") +
                           (corners.length >= 3 ? "" : ": click more");
      });
      map.getContainer().addEventListener("keydown", function (e) { if (e.key === "Escape" && active) { stop(); } });
    });
  }

  // Place search: type a town, pick it, the map goes there.
  tool("topleft", "place-search", function (div) {
    var input = L.DomUtil.create("input", "place-search-input", div);
    input.type = "search";
    input.placeholder = "Go to a town…";
    input.setAttribute("list", "place-search-names");
    var list = L.DomUtil.create("datalist", "", div);
    list.id = "place-search-names";
    var byName = {};
    data.places.forEach(function (place) {
      var key = place.name.toLowerCase();
      if (key in byName) { return; }
      byName[key] = place;
      var option = document.createElement("option");
      option.value = place.name;
      list.appendChild(option);
    });
    function go() {
      var place = byName[input.value.trim().toLowerCase()];
      if (place) { map.setView([place.lat, place.lon], Math.max(map.getZoom(), 8)); }
    }
    input.addEventListener("change", go);
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") { go(); } });
  });
})
