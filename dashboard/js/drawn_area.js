// Outlines the drawn area the filter keeps events in. Trusted code; the data is numbers only.
(function (layer, data) {
  "use strict";
  L.polygon(data.corners, {
    color: "#212529", weight: 2, dashArray: "10 4 2 4", fillOpacity: 0.04, interactive: false, className: "drawn-area",
  }).addTo(layer);
})
