// crampwise: the little JavaScript the pages use. Everything works without it except the
// offline queue (a cramp logged offline is kept on the phone in IndexedDB and sent when
// the connection is back; each entry carries its own client id, so it is stored once).
"use strict";

(function () {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* http on a LAN: no worker */ });
  }

  // -- the offline queue -------------------------------------------------------------------
  var DB = "crampwise", STORE = "queue";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "client_id" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function tx(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), out;
        t.oncomplete = function () { db.close(); resolve(out); };
        t.onerror = function () { db.close(); reject(t.error); };
        out = work(t.objectStore(STORE));
      });
    });
  }

  function queued() {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var req = db.transaction(STORE, "readonly").objectStore(STORE).getAll();
        req.onsuccess = function () { db.close(); resolve(req.result || []); };
        req.onerror = function () { db.close(); reject(req.error); };
      });
    });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function post(body) {
    return fetch("/api/episodes", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
  }

  function showPending() {
    var box = document.getElementById("pending"), list = document.getElementById("pending-list");
    var status = document.getElementById("queue-status");
    return queued().then(function (items) {
      if (status) {
        status.hidden = items.length === 0;
        status.textContent = items.length ? items.length + " waiting to be sent" : "";
      }
      if (!box || !list) { return; }
      box.hidden = items.length === 0;
      list.textContent = "";
      items.sort(function (a, b) { return a.occurred_at < b.occurred_at ? -1 : 1; });
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = "Cramp at " + new Date(item.occurred_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) +
          (item.problem ? " – not accepted: " + item.problem : " – waiting");
        list.appendChild(li);
      });
    }).catch(function () {});
  }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) { return Promise.resolve(); }
    flushing = true;
    return queued().then(function (items) {
      return items.reduce(function (chain, item) {
        return chain.then(function () {
          var body = { client_id: item.client_id, occurred_at: item.occurred_at };
          return post(body).then(function (res) {
            if (res.ok) { return tx("readwrite", function (s) { s.delete(item.client_id); }); }
            if (res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 408 && res.status !== 429) {
              // Refused as it is (e.g. a clock far off): keep it, and say why, never drop it.
              return res.json().then(function (j) {
                item.problem = (j.detail && j.detail[0] && j.detail[0].msg) || String(j.detail || res.status);
                return tx("readwrite", function (s) { s.put(item); });
              });
            }
          }, function () { /* still offline */ });
        });
      }, Promise.resolve());
    }).then(function () { flushing = false; return showPending(); },
            function () { flushing = false; });
  }

  function say(text, link) {
    var out = document.getElementById("log-result");
    if (!out) { return; }
    out.hidden = false;
    out.textContent = text + " ";
    if (link) {
      var a = document.createElement("a");
      a.href = link; a.textContent = "Add details";
      out.appendChild(a);
    }
  }

  function logNow(form) {
    var idField = form.querySelector("input[name=client_id]");
    var item = { client_id: idField.value || uuid(), occurred_at: new Date().toISOString() };
    idField.value = uuid(); // the next tap is another cramp
    var button = form.querySelector("button");
    button.disabled = true;
    setTimeout(function () { button.disabled = false; }, 800);
    return post({ client_id: item.client_id }).then(function (res) {
      if (res.ok) {
        return res.json().then(function (e) {
          say("Logged cramp #" + e.id + " at " + e.time + " (" + e.night_total + " this night).", "/episodes/" + e.id + "/edit");
        });
      }
      if (res.status >= 500) { throw new Error("server"); }
      return res.json().then(function (j) {
        say("Not logged: " + ((j.detail && j.detail[0] && j.detail[0].msg) || j.detail || res.status));
      });
    }).catch(function () {
      return tx("readwrite", function (s) { s.put(item); }).then(function () {
        say("No connection: saved on this phone, it will be sent when the connection is back.");
        return showPending();
      });
    });
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.hasAttribute && form.hasAttribute("data-log-now") && window.fetch && window.indexedDB) {
      ev.preventDefault();
      logNow(form);
    }
  });

  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { flush(); } });
  setInterval(flush, 30000);

  // -- the details form ---------------------------------------------------------------------
  function initSlider() {
    document.querySelectorAll("input[type=range][data-output]").forEach(function (input) {
      var out = document.getElementById(input.getAttribute("data-output"));
      var set = document.getElementById("f-severity-set");
      input.addEventListener("input", function () {
        if (out) { out.textContent = input.value; }
        if (set) { set.checked = true; }
      });
    });
  }

  function initBodyMap() {
    var form = document.getElementById("details-form");
    if (!form) { return; }
    var picked = {};
    function box(name, value) { return form.querySelector("input[name=" + name + "][value='" + value + "']"); }
    function sync() {
      var sides = {}, muscles = {};
      Object.keys(picked).forEach(function (k) {
        if (!picked[k]) { return; }
        var p = k.split(":"); sides[p[0]] = 1; muscles[p[1]] = 1;
      });
      Object.keys(muscles).forEach(function (m) { var c = box("muscles", m); if (c) { c.checked = true; } });
      var s = Object.keys(sides);
      var side = s.length === 2 ? "both" : s[0];
      if (side) { var r = box("side", side); if (r) { r.checked = true; } }
    }
    form.querySelectorAll(".bodymap.pick .region").forEach(function (region) {
      region.addEventListener("click", function () {
        var key = region.getAttribute("data-side") + ":" + region.getAttribute("data-muscle");
        picked[key] = !picked[key];
        form.querySelectorAll(".bodymap.pick .region[data-muscle='" + region.getAttribute("data-muscle") + "'][data-side='" + region.getAttribute("data-side") + "']")
          .forEach(function (r) { r.classList.toggle("on", picked[key]); });
        sync();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initSlider();
    initBodyMap();
    showPending().then(flush);
  });
})();
