/* Web chat: progressive enhancement of /chat and /staf/chat. Without this file the visitor's page
   is a request form and the agents' pages work by reloading. Every line is inserted as text
   (textContent), never as HTML; the server sends no markup. */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) { return; }

  function news(text) {
    var box = document.getElementById("kabar-obrolan");
    if (box) { box.textContent = text; }
  }

  function post(form, url) {
    return fetch(url, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    });
  }

  /* The visitor's form: "Mulai obrolan" when an agent is free, FAQ suggestions while typing. */
  var startForm = document.querySelector("form[data-chat-start-url]");
  if (startForm) {
    var startButton = startForm.querySelector("[data-chat-start]");
    var requestButton = startForm.querySelector("[data-chat-request]");
    var status = document.getElementById("status-obrolan");
    if (startButton && status && status.getAttribute("data-can-chat") === "1") {
      startButton.hidden = false;
      startButton.addEventListener("click", function (event) {
        event.preventDefault();
        startButton.disabled = true;
        post(startForm, startForm.getAttribute("data-chat-start-url")).then(function (r) {
          return r.json().catch(function () { return {}; }).then(function (doc) { return { status: r.status, doc: doc }; });
        }).then(function (answer) {
          if (answer.status === 201 && answer.doc.url) { window.location.assign(answer.doc.url); return; }
          if (answer.doc.errors) {
            var texts = [];
            Object.keys(answer.doc.errors).forEach(function (k) { texts = texts.concat(answer.doc.errors[k]); });
            news(texts.join(" "));
            startButton.disabled = false;
            return;
          }
          /* Nobody can answer now (or too many tries): the typed text stays; the form files a ticket. */
          news(answer.doc.message || startButton.getAttribute("data-fallback") || "");
          startButton.remove();
          if (requestButton) { requestButton.className = "primary"; requestButton.focus(); }
        }).catch(function () { startButton.disabled = false; });
      });
    }
    var input = startForm.querySelector("textarea[name='pesan']");
    var box = document.getElementById("saran");
    var suggestUrl = startForm.getAttribute("data-suggest-url");
    if (input && box && suggestUrl) {
      var list = document.createElement("ul");
      list.className = "article-list";
      box.insertBefore(list, box.firstChild);
      var timer = null;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        var q = input.value.trim();
        if (q.length < 4) { list.textContent = ""; return; }
        timer = setTimeout(function () {
          fetch(suggestUrl + "?limit=5&q=" + encodeURIComponent(q.slice(0, 200)), { credentials: "same-origin" })
            .then(function (r) { return r.ok ? r.json() : { results: [] }; })
            .then(function (doc) {
              list.textContent = "";
              (doc.results || []).filter(function (r) { return r.kind === "article"; }).slice(0, 5).forEach(function (r) {
                var li = document.createElement("li");
                var a = document.createElement("a");
                a.href = r.url;
                a.target = "_blank";
                a.rel = "noopener";
                a.textContent = r.title;
                li.appendChild(a);
                list.appendChild(li);
              });
            })
            .catch(function () { /* suggestions are a convenience */ });
        }, 300);
      });
    }
  }

  /* A conversation (visitor or agent): poll for new lines, send without reloading. */
  var log = document.getElementById("percakapan");
  if (log) {
    var pollUrl = log.getAttribute("data-poll-url");
    var version = log.getAttribute("data-version") || "";
    var seconds = Math.max(1, parseInt(log.getAttribute("data-poll-seconds"), 10) || 3);
    var stateBox = document.getElementById("keadaan-obrolan");
    var state = stateBox ? stateBox.getAttribute("data-state") : "";
    var frame = log.parentNode;  /* the scrolling box around the list (role="log": lines are announced) */
    var lastId = 0;
    Array.prototype.forEach.call(log.querySelectorAll("[data-id]"), function (li) {
      lastId = Math.max(lastId, parseInt(li.getAttribute("data-id"), 10) || 0);
    });
    frame.scrollTop = frame.scrollHeight;

    var addLine = function (m) {
      var li = document.createElement("li");
      li.className = "chat-line by-" + m.author;
      li.setAttribute("data-id", String(m.id));
      var meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = (m.name || log.getAttribute("data-system-name") || "") + " · " + m.time;
      var body = document.createElement("p");
      body.className = "pre";
      body.textContent = m.body;
      li.appendChild(meta);
      li.appendChild(body);
      log.appendChild(li);
      lastId = Math.max(lastId, m.id);
    };

    var poll = function () {
      return fetch(pollUrl + "?sejak=" + lastId + "&versi=" + encodeURIComponent(version), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (r) {
        if (r.status !== 200) { return null; }
        return r.json();
      }).then(function (doc) {
        if (!doc || !doc.ok) { return; }
        (doc.messages || []).forEach(function (m) { if (m.id > lastId) { addLine(m); } });
        if (doc.messages && doc.messages.length) { frame.scrollTop = frame.scrollHeight; }
        version = doc.version || version;
        if (doc.state !== state) {
          if (doc.state !== "aktif" || !stateBox || !log.getAttribute("data-active-text")) {
            window.location.reload();  /* the page shows the end (ticket, next step) or the wait again */
            return;
          }
          state = doc.state;
          stateBox.setAttribute("data-state", state);
          stateBox.textContent = log.getAttribute("data-active-text").replace("%(name)s", doc.agent || "");
        }
      }).catch(function () { /* the next round tries again */ });
    };

    var loop = function () {
      poll().then(function () {
        window.setTimeout(loop, (document.hidden ? 4 : 1) * seconds * 1000);
      });
    };
    window.setTimeout(loop, seconds * 1000);

    var sendForm = document.querySelector("form[data-chat-send]");
    if (sendForm) {
      var area = sendForm.querySelector("textarea");
      sendForm.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!area.value.trim()) { return; }
        post(sendForm, sendForm.getAttribute("action")).then(function (r) {
          return r.json().catch(function () { return {}; }).then(function (doc) {
            if (r.ok && doc.ok) { area.value = ""; poll(); }
            else { news(doc.message || r.statusText); }
          });
        });
      });
    }
  }

  /* The agents' queue: refresh the waiting list from the same page every few seconds. */
  var queue = document.getElementById("antrian-obrolan");
  if (queue && window.DOMParser) {
    var every = Math.max(2, parseInt(queue.getAttribute("data-refresh-seconds"), 10) || 5) * 1000;
    var refresh = function () {
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html) {
            var fresh = new window.DOMParser().parseFromString(html, "text/html").getElementById("antrian-obrolan");
            if (fresh && fresh.innerHTML !== queue.innerHTML) { queue.innerHTML = fresh.innerHTML; }
          }
        })
        .catch(function () { /* try again next time */ })
        .then(function () { window.setTimeout(refresh, every); });
    };
    window.setTimeout(refresh, every);
  }
}());
