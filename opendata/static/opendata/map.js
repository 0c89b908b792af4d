// Points of a table resource on a Leaflet map (the same points are in the table below it).
(function () {
  "use strict";
  var element = document.getElementById("od-map");
  if (!element || typeof L === "undefined") { return; }
  var map = L.map(element).setView([50.0614, 19.9366], 12);
  fetch(element.getAttribute("data-geojson"), { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { radius: 6, color: "#005ea5" });
        },
        onEachFeature: function (feature, marker) {
          var lines = [];
          Object.keys(feature.properties || {}).forEach(function (key) {
            var line = document.createElement("div");
            line.textContent = key + ": " + feature.properties[key];
            lines.push(line.outerHTML);
          });
          marker.bindPopup(lines.join(""));
        }
      }).addTo(map);
      if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { maxZoom: 15 }); }
    });
})();
