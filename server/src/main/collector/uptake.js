/*! uptake.js: Uptake's idle-aware browser collector. Docs: docs/collector.md */
(function (window, document) {
  'use strict';

  var PREFIX = 'uptake.';
  var BATCH = 50; // events per request
  var FLUSH_MS = 1000; // how long an event may wait for others to share its request
  var MAX_QUEUED = 5000; // events kept while the server cannot be reached; the oldest go first
  var MAX_BACKOFF_MS = 60000;
  var STALE_TAB_MS = 15000; // a tab that has not beaten for this long is gone: its queue is adopted
  var ACTIVITY_GRAIN_MS = 250; // pointer moves come 60 times a second: one in this long is enough

  var existing = window.uptake;
  if (existing && existing.loaded) {
    return;
  }
  var pending = existing && existing.q ? existing.q : [];
  var scriptSrc = document.currentScript && document.currentScript.src;

  var config = null;
  var tabId = randomId();
  var module = null;
  var lastActivity = null; // the latest activity counted in the current run
  var lastSeen = null; // the latest activity at all: those within ACTIVITY_GRAIN_MS are counted when the run ends
  var moduleMillis = 0; // active milliseconds in the current module, not yet sent
  var idleTimer = null;
  var syncTimer = null;
  var flushTimer = null;
  var backoff = 0;
  var sending = false;

  // Storage that never throws: a blocked or full localStorage makes the collector forgetful, not broken.
  function load(key, fallback) {
    try {
      var text = window.localStorage.getItem(PREFIX + key);
      return text === null ? fallback : JSON.parse(text);
    } catch (e) {
      return fallback;
    }
  }

  function save(key, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(PREFIX + key);
      } else {
        window.localStorage.setItem(PREFIX + key, JSON.stringify(value));
      }
    } catch (e) { /* storage full or blocked */ }
  }

  function randomId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, function (c) {
      var r = (Math.random() * 16) | 0;
      return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
    });
  }

  function now() {
    return Date.now();
  }

  function warn(message) {
    if (window.console && window.console.warn) {
      window.console.warn('uptake.js: ' + message);
    }
  }

  // Every public call is wrapped: whatever goes wrong stays inside the collector.
  function safe(fn) {
    return function () {
      try {
        return fn.apply(null, arguments);
      } catch (e) {
        warn('ignored an error: ' + (e && e.message));
      }
    };
  }

  // The session: shared by the site's tabs through localStorage, ended by sessionMinutes without activity.
  function session() {
    var current = load('session', null);
    var t = now();
    if (!current || t - current.last > config.sessionMinutes * 60000) {
      current = { id: randomId(), last: t, active: 0, synced: 0 };
      save('session', current);
    }
    return current;
  }

  function touchSession(activeMillis) {
    var current = session();
    current.last = now();
    current.active += activeMillis;
    save('session', current);
    return current;
  }

  // The queue: this tab's own key, so two tabs never overwrite each other's events.
  function queue() {
    return load('queue.' + tabId, []);
  }

  function setQueue(events) {
    save('queue.' + tabId, events.length ? events : null);
  }

  function heartbeat() {
    save('tab.' + tabId, now());
  }

  // Queues left by tabs that are gone (closed, crashed, reloaded) are taken over and sent from here.
  function adoptOrphans() {
    var mine = queue();
    try {
      for (var i = window.localStorage.length - 1; i >= 0; i--) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(PREFIX + 'queue.') === 0) {
          var other = key.substring((PREFIX + 'queue.').length);
          var beat = load('tab.' + other, 0);
          if (other !== tabId && now() - beat > STALE_TAB_MS) {
            mine = mine.concat(load('queue.' + other, []));
            save('queue.' + other, null);
            save('tab.' + other, null);
          }
        }
      }
    } catch (e) { /* storage blocked */ }
    setQueue(mine.slice(-MAX_QUEUED));
  }

  function enqueue(event) {
    var user = load('user', null);
    event.messageId = randomId();
    event.originalTimestamp = new Date().toISOString();
    event.anonymousId = session().id;
    event.context = { library: { name: 'uptake.js', version: '1' }, page: { url: window.location.href } };
    if (user) {
      event.userId = user;
    }
    var group = load('group', null);
    if (group && event.type !== 'group' && !event.groupId) {
      event.groupId = group;
    }
    var events = queue();
    events.push(event);
    setQueue(events.slice(-MAX_QUEUED));
    scheduleFlush(events.length >= BATCH ? 0 : FLUSH_MS);
  }

  function scheduleFlush(delay) {
    if (!flushTimer && config) {
      flushTimer = window.setTimeout(function () {
        flushTimer = null;
        flush();
      }, Math.max(delay, backoff));
    }
  }

  // Events wait until the user is known: the contract requires a userId on every event.
  function ready(events) {
    var user = load('user', null);
    return events.filter(function (event) {
      if (!event.userId && user) {
        event.userId = user;
      }
      return !!event.userId;
    });
  }

  function body(events) {
    return JSON.stringify({ batch: events, writeKey: config.writeKey, sentAt: new Date().toISOString() });
  }

  function flush() {
    if (sending) {
      return;
    }
    var events = ready(queue()).slice(0, BATCH);
    if (!events.length) {
      return;
    }
    sending = true;
    var sent = {};
    events.forEach(function (event) { sent[event.messageId] = true; });
    // text/plain: a simple request, no preflight; the write key travels in the body.
    window.fetch(config.host + '/v1/b', {
      method: 'POST', body: body(events), headers: { 'Content-Type': 'text/plain' }, keepalive: true, credentials: 'omit'
    }).then(function (response) {
      sending = false;
      if (response.status === 429 || response.status >= 500) {
        retryLater();
        return;
      }
      if (!response.ok) {
        warn('the server refused a batch (' + response.status + '); its events are dropped');
      }
      backoff = 0;
      setQueue(queue().filter(function (event) { return !sent[event.messageId]; }));
      if (ready(queue()).length) {
        scheduleFlush(0);
      }
    }, function () {
      sending = false;
      retryLater();
    });
  }

  function retryLater() {
    backoff = Math.min(MAX_BACKOFF_MS, backoff ? backoff * 2 : 1000);
    scheduleFlush(backoff);
  }

  // On hide or unload a beacon carries what waits; the queue keeps it until a fetch is answered,
  // and a copy sent twice counts once (its messageId).
  function beacon() {
    var events = ready(queue()).slice(0, BATCH);
    if (events.length && navigator.sendBeacon) {
      try {
        navigator.sendBeacon(config.host + '/v1/b', new Blob([body(events)], { type: 'text/plain' }));
      } catch (e) { /* the next page load sends them */ }
    }
  }

  // Active time: the time between activities less than idleSeconds apart, while the page is visible.
  function activity() {
    if (!config || document.visibilityState === 'hidden') {
      return;
    }
    var t = now();
    lastSeen = t;
    if (lastActivity !== null && t - lastActivity < ACTIVITY_GRAIN_MS) {
      return; // counted with the next one, or when the run ends
    }
    count(t);
    if (syncTimer === null) {
      syncTimer = window.setInterval(sync, config.syncSeconds * 1000);
    }
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(idle, config.idleSeconds * 1000);
  }

  /** The time from the last counted activity to {@code t} is active: in the module, and in the session. */
  function count(t) {
    if (lastActivity !== null && t > lastActivity) {
      moduleMillis += t - lastActivity;
      touchSession(t - lastActivity);
    }
    lastActivity = t; // a run of activity starts with nothing counted
  }

  function idle() {
    endRun();
    endModule();
    sync();
  }

  // The run of activity ends: up to its last activity is counted, the time after it is not.
  function endRun() {
    if (lastActivity !== null && lastSeen !== null) {
      count(lastSeen);
    }
    window.clearTimeout(idleTimer);
    idleTimer = null;
    lastActivity = null;
    window.clearInterval(syncTimer);
    syncTimer = null;
  }

  function endModule() {
    if (moduleMillis > 0) {
      enqueue({ type: 'track', event: 'moduleEnd', properties: { module: module, time_spent: moduleMillis } });
      moduleMillis = 0;
    }
  }

  function sync() {
    var current = load('session', null);
    if (current && current.active > (current.synced || 0)) {
      current.synced = current.active;
      save('session', current);
      enqueue({ type: 'track', event: 'sessionSync', properties: { module: module, active_duration: current.active } });
    }
  }

  function hidden() {
    endRun();
    endModule();
    sync();
    beacon();
  }

  var api = {
    loaded: true,

    init: function (options) {
      if (config) {
        warn('init was called again; the first one stands'); // twice would count every activity twice
        return;
      }
      options = options || {};
      if (!options.writeKey) {
        warn('init needs a writeKey (the IT Administration Center shows it); nothing is collected');
        return;
      }
      var origin = scriptSrc ? new URL(scriptSrc).origin : window.location.origin;
      config = {
        writeKey: options.writeKey,
        host: String(options.host || origin).replace(/\/+$/, ''),
        idleSeconds: options.idleSeconds || 60,
        sessionMinutes: options.sessionMinutes || 30,
        syncSeconds: options.syncSeconds || 60
      };
      module = load('module.' + window.location.pathname, null);
      heartbeat();
      window.setInterval(heartbeat, 5000);
      adoptOrphans();
      ['click', 'keydown', 'pointermove', 'pointerdown', 'scroll', 'touchstart', 'wheel', 'focus'].forEach(function (type) {
        window.addEventListener(type, safe(activity), { capture: true, passive: true });
      });
      document.addEventListener('click', safe(annotated), true);
      document.addEventListener('visibilitychange', safe(function () {
        if (document.visibilityState === 'hidden') {
          hidden();
        } else {
          activity();
          scheduleFlush(0);
        }
      }));
      window.addEventListener('pagehide', safe(function () {
        hidden();
        save('tab.' + tabId, null); // gone: the next page of the site takes over this tab's queue at once
      }));
      window.addEventListener('pageshow', safe(function (event) {
        if (event.persisted) { // back from the back-forward cache
          heartbeat();
          adoptOrphans();
        }
      }));
      if (document.visibilityState !== 'hidden') {
        activity();
      }
      scheduleFlush(0);
    },

    identify: function (userId, traits) {
      if (userId === undefined || userId === null || userId === '') {
        warn('identify needs a userId');
        return;
      }
      save('user', String(userId));
      enqueue({ type: 'identify', userId: String(userId), traits: traits || {} });
    },

    group: function (accountId, traits) {
      if (accountId === undefined || accountId === null || accountId === '') {
        warn('group needs an account id');
        return;
      }
      save('group', String(accountId));
      enqueue({ type: 'group', groupId: String(accountId), traits: traits || {} });
    },

    setModule: function (name) {
      var next = name === undefined || name === null || name === '' ? null : String(name);
      if (next === module) {
        return;
      }
      if (lastActivity !== null) { // the time up to now belongs to the module being left
        count(now());
      }
      endModule();
      module = next;
      save('module.' + window.location.pathname, module);
    },

    feature: function (name, properties) {
      if (!name) {
        warn('feature needs a name');
        return;
      }
      activity();
      var props = Object.assign({}, properties || {});
      if (module !== null && props.module === undefined) {
        props.module = module;
      }
      enqueue({ type: 'track', event: String(name), properties: props });
    },

    page: function (name, properties) {
      activity();
      var props = Object.assign({ path: window.location.pathname, url: window.location.href, title: document.title },
        properties || {});
      if (module !== null && props.module === undefined) {
        props.module = module;
      }
      enqueue({ type: 'page', name: name ? String(name) : document.title, properties: props });
    }
  };

  // data-uptake-module and data-uptake-feature on a clicked element (or one it is inside).
  function annotated(event) {
    var target = event.target;
    var moduleElement = target && target.closest ? target.closest('[data-uptake-module]') : null;
    var featureElement = target && target.closest ? target.closest('[data-uptake-feature]') : null;
    if (moduleElement) {
      api.setModule(moduleElement.getAttribute('data-uptake-module'));
    }
    if (featureElement) {
      api.feature(featureElement.getAttribute('data-uptake-feature'));
    }
  }

  // Calls made before init wait for it, as the snippet's queue does before the script loads.
  var early = [];
  var uptake = {};
  Object.keys(api).forEach(function (name) {
    var fn = api[name];
    uptake[name] = typeof fn !== 'function' ? fn : safe(function () {
      if (!config && name !== 'init') {
        early.push([name, Array.prototype.slice.call(arguments)]);
        return;
      }
      fn.apply(null, arguments);
      if (name === 'init' && config) {
        early.splice(0).forEach(function (call) { uptake[call[0]].apply(null, call[1]); });
      }
    });
  });
  window.uptake = uptake;
  pending.forEach(function (call) {
    if (uptake[call[0]]) {
      uptake[call[0]].apply(null, call[1]);
    }
  });
})(window, document);
