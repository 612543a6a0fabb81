/* filmpage: keeps the programme right by the visitor's clock. A page lists the screenings
   still to come as of the day it was built; this hides those that have begun since, and
   says so when none is left. Without it, the page lists every screening as of its build. */
(function () {
  "use strict";
  var now = Date.now();
  document.querySelectorAll("[data-coming]").forEach(function (list) {
    var left = 0;
    list.querySelectorAll("li[data-start]").forEach(function (item) {
      if (Date.parse(item.getAttribute("data-start")) <= now) item.hidden = true;
      else left += 1;
    });
    list.querySelectorAll(".programme-day").forEach(function (day) {
      if (!day.querySelector("li[data-start]:not([hidden])")) day.hidden = true;
    });
    var none = list.querySelector(".no-coming");
    if (none && !left) none.hidden = false;
  });
})();
