/* "Sisipkan" in the staff reply box appends the article's link without a round trip.
   The page works without this: the button posts the reply form and the server appends it. */
(function () {
  "use strict";
  var box = document.querySelector("[data-faq-links]");
  if (!box) { return; }
  var form = box.closest("form");
  var area = form && form.querySelector("textarea");
  if (!area) { return; }
  box.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-faq-title]");
    if (!button) { return; }
    event.preventDefault();
    var line = button.getAttribute("data-faq-title") + ": " + button.getAttribute("data-faq-url");
    var text = area.value.replace(/\s+$/, "");
    area.value = text ? text + "\n\n" + line : line;
    area.focus();
  });
}());
