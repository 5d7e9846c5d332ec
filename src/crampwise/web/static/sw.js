// crampwise service worker: the app shell works offline; API calls always go to the
// network (the page queues cramps itself when they fail).
"use strict";
var CACHE = "crampwise-v1";
var SHELL = ["/", "/offline", "/static/app.css", "/static/app.js", "/static/icon.svg", "/manifest.webmanifest"];

self.addEventListener("install", function (ev) {
  ev.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (ev) {
  ev.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (ev) {
  var req = ev.request;
  var url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) {
    return;
  }
  if (req.mode === "navigate") {
    ev.respondWith(fetch(req).then(function (res) {
      if (res.ok && url.pathname === "/") {
        var copy = res.clone();
        caches.open(CACHE).then(function (c) { c.put("/", copy); });
      }
      return res;
    }).catch(function () {
      return caches.match(url.pathname).then(function (hit) { return hit || caches.match("/offline"); });
    }));
    return;
  }
  ev.respondWith(caches.match(req).then(function (hit) {
    return hit || fetch(req);
  }));
});
