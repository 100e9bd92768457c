// Draws the events of one map layer from a JSON document (see dashboard/mapview.py).
//
// This file is trusted code; everything in `data` came from events files, uploads or
// links and is untrusted. So no data string is ever parsed as HTML or code: tooltips
// are HTML-escaped strings (st_folium reads them back as text), popups and icons are
// built with DOM calls and textContent.
(function (layer, data) {
  "use strict";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) { return ENTITIES[c]; });
  }

  function shapeIcon(path, colour, size) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("width", String(size));
    svg.setAttribute("height", String(size));
    svg.setAttribute("viewBox", "0 0 16 16");
    var shape = document.createElementNS(SVG_NS, "path");
    shape.setAttribute("d", path);
    shape.setAttribute("fill", colour);
    shape.setAttribute("stroke", "#ffffff");
    shape.setAttribute("stroke-width", "1.5");
    svg.appendChild(shape);
    return svg;
  }

  function popupTable(rows) {
    var table = document.createElement("table");
    table.className = "event-popup";
    rows.forEach(function (row) {
      var line = table.insertRow();
      var label = document.createElement("th");
      label.textContent = row[0];
      var value = document.createElement("td");
      value.textContent = row[1];
      line.appendChild(label);
      line.appendChild(value);
    });
    return table;
  }

  // The area an imprecise event may lie in: faint, under everything, never clickable.
  var areaColour = {};
  data.events.forEach(function (event) {
    if (event.area && !(event.area in areaColour)) { areaColour[event.area] = event.colour; }
  });
  Object.keys(data.areas || {}).forEach(function (key) {
    L.polygon(data.areas[key], {
      color: areaColour[key] || "#495057", weight: 1.2, dashArray: "4 4", opacity: 0.7,
      fillOpacity: 0.07, interactive: false, className: "place-area",
    }).addTo(layer);
  });

  data.arrows.forEach(function (arrow) {
    L.polyline([arrow.from, arrow.to], { color: data.arrow_colour, weight: 3, dashArray: "8 6" })
      .bindTooltip(escapeHtml(arrow.label))
      .addTo(layer);
    L.polygon(arrow.head, { color: data.arrow_colour, fill: true, fillOpacity: 1, weight: 1 }).addTo(layer);
  });

  var size = data.marker_px;
  data.events.forEach(function (event) {
    var anchor = [size / 2 - event.dx, size / 2 - event.dy];
    if (event.id === data.selected) {
      var ring = data.ring_px;
      L.marker([event.lat, event.lon], {
        icon: L.divIcon({ html: "", className: "selected-ring", iconSize: [ring, ring],
                          iconAnchor: [ring / 2 - event.dx, ring / 2 - event.dy] }),
        interactive: false,
        keyboard: false,
        zIndexOffset: -1000,
      }).addTo(layer);
    }
    var marker = L.marker([event.lat, event.lon], {
      icon: L.divIcon({ html: shapeIcon(data.shapes[event.shape], event.colour, size), className: "event-marker",
                        iconSize: [size, size], iconAnchor: anchor }),
      title: "",
    });
    marker.bindTooltip(escapeHtml(event.tooltip), { sticky: true, className: "event-tooltip" });
    marker.bindPopup(popupTable(event.popup), { maxWidth: 420, className: "event-popup-box" });
    marker.addTo(layer);
  });
})
