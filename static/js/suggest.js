/* Live article suggestions while the subject is typed. The page works without this:
   the "Cari jawaban" button does the same through the server. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest-url]");
  if (!form || !window.fetch) { return; }
  var input = form.querySelector("input[name='subjek']");
  var box = document.getElementById("saran");
  if (!input || !box) { return; }
  var code = form.getAttribute("data-suggest-code");
  var url = form.getAttribute("data-suggest-url");
  var timer = null;
  var list = document.createElement("ul");
  list.className = "article-list";
  box.insertBefore(list, box.firstChild);

  function show(results) {
    list.textContent = "";
    results.filter(function (r) { return r.kind === "article"; }).slice(0, 5).forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      var slug = r.url.split("/").pop();
      a.href = "/permintaan/" + encodeURIComponent(code) + "/saran?artikel=" + encodeURIComponent(slug);
      a.textContent = r.title;  // text, never HTML
      li.appendChild(a);
      list.appendChild(li);
    });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 4) { list.textContent = ""; return; }
    timer = setTimeout(function () {
      fetch(url + "?limit=5&q=" + encodeURIComponent(q.slice(0, 200)), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (doc) { show(doc.results || []); })
        .catch(function () { /* suggestions are a convenience: ignore network errors */ });
    }, 300);
  });
}());
