/*
 * footfall tracker: one small, dependency-free script, served by the Worker from the site's
 * own domain (<script defer src="/_ff/script.js"></script>). No cookies and no stored
 * identifier: a random uuid per page view, kept in memory only. Every call is wrapped so
 * nothing it does can throw into the page.
 *
 * What it sends (README, "What is collected"):
 *   POST {api}/init       {uuid, page, referrer}  once the page is visible
 *   POST {api}/heartbeat  {uuid, delta}           visible seconds, in the server's deltas 30/5/1
 *   POST {api}/event      {uuid, type, page, url, anchor_text | name}
 *
 * Options, as data attributes on the script tag:
 *   data-allow-localhost      also count on localhost and 127.*
 *   data-ignore-dnt           count visitors who send Do Not Track or Global Privacy Control
 *   data-hash                 #fragment changes are page views (hash-routed apps)
 *   data-downloads="pdf|zip"  only these file extensions count as downloads (default: any
 *                             extension but .html, .htm, .php, .asp, .aspx)
 *   data-debug                say in the console why this visit is not counted
 */
((w, d, n) => { try {
  let script = d.currentScript;
  let attr = (name) => script.getAttribute('data-' + name);
  let has = (name) => attr(name) != null;
  let on = (target, type, fn, capture) => target.addEventListener(type, fn, capture);
  let loc = location;
  let ua = n.userAgent;
  // The endpoints live beside the script: {prefix}/script.js -> {prefix}/init, ...
  let api = script.src.replace(/[^/]*$/, '');
  // Downloads: a file extension the owner lists, else any that is not a web page's.
  let downloads = RegExp(attr('downloads') ? '\\.(' + attr('downloads') + ')$' : '\\.(?!html?$|php$|aspx?$)\\w{1,5}$', 'i');
  let uuid, page, path, visibleSince, carriedMs, sentSeconds, timer, reached, eventSeq = 0;

  // Why this visit is not counted ('' when it is). The reasons reuse words the script
  // already contains, which gzip stores for free: webdriver = automation, footfall_ignore =
  // the visitor's opt-out, doNotTrack = Do Not Track or Global Privacy Control.
  let reason =
    loc.protocol == 'file:' ? 'file'
    : /^(localhost|127\.|\[::1\])/.test(loc.hostname) && !has('allow-localhost') ? 'localhost'
    : n.webdriver ? 'webdriver'
    // ?knownBot=1: the owner's own monitors and scripts mark themselves as not a person.
    : /[?&]knownBot=1/.test(loc.search) ? 'knownBot'
    // Crawlers that run JavaScript (HTTP libraries never run this script). AI assistants
    // fetching for a person count as people, though their UA mentions a bot.
    : /bot|crawl|spider|headless|lighthouse/i.test(ua) && !/(ChatGPT|Claude|Perplexity)-User/.test(ua) ? 'bot'
    // The visitor's own opt-out: localStorage.footfall_ignore = 1 (reading it throws where
    // storage is blocked; the catch at the end then leaves that visit uncounted).
    : localStorage.footfall_ignore ? 'footfall_ignore'
    : !has('ignore-dnt') && (n.doNotTrack == 1 || n.globalPrivacyControl) ? 'doNotTrack' : '';

  // sendBeacon first (survives the page closing); fetch with keepalive where it is refused.
  let send = (endpoint, data) => {
    let url = api + endpoint;
    data = JSON.stringify(data);
    try {
      n.sendBeacon(url, data) || fetch(url, { method: 'POST', body: data, keepalive: true }).catch(() => {});
    } catch (e) {}
  };

  // The path a page view is counted under: with the #fragment only in hash mode.
  let hashMode = has('hash');
  let currentPath = () => loc.pathname + (hashMode ? loc.hash : '');

  // Visible time not yet reported: whole seconds go out as whitelisted deltas, the fraction
  // carries over. Safe to call at any time and twice in a row: what was sent is subtracted.
  let flush = () => {
    let now = Date.now();
    if (visibleSince) {
      carriedMs += now - visibleSince;
      visibleSince = !d.hidden && now;
    }
    let seconds = carriedMs / 1000 | 0;
    carriedMs -= seconds * 1000;
    // Each beat also carries the running total, so the server keeps the largest total it has
    // seen: a duplicated or reordered beacon cannot count twice.
    for (let delta of [30, 5, 1]) {
      for (; seconds >= delta; seconds -= delta) send('heartbeat', { uuid, delta, total: sentSeconds += delta });
    }
  };

  // A setTimeout chain, only while visible: every 5 s in the first minute, then every 30 s.
  let tick = () => {
    clearTimeout(timer);
    if (visibleSince) timer = setTimeout(() => { flush(); tick(); }, sentSeconds < 60 ? 5e3 : 3e4);
  };

  let startPageView = (referrer) => {
    // A random v4 uuid from the browser. A blob URL ends in one and, unlike
    // crypto.randomUUID, needs no secure context (plain-http sites count too).
    uuid = URL.createObjectURL(new Blob()).slice(-36);
    // The page as sent: the path, and from the query only the utm_* parameters.
    let utm = loc.search.match(/\butm_\w+=[^&]*/g);
    path = currentPath();
    page = path + (utm ? '?' + utm.join('&') : '');
    visibleSince = Date.now();
    carriedMs = sentSeconds = 0;
    reached = 0;
    send('init', { uuid, page, referrer });
    tick();
  };

  let event = (type, fields) => {
    // seq numbers the events, so a duplicated beacon finds its event already stored.
    if (uuid) send('event', { uuid, seq: ++eventSeq, type, page: path, ...fields });
  };

  // Single-page apps: a new page view (new uuid) when the path, or opted in the hash, changed.
  let navigated = () => {
    if (uuid && currentPath() != path) {
      flush();
      startPageView(loc.origin + path);
    }
  };

  // A prerendered page is hidden until it is shown (speculation-rules prerender), so it
  // counts only then: visibilitychange fires on activation.
  let onVisibility = () => {
    if (d.hidden) {
      flush();
      visibleSince = 0;
    } else if (!uuid) {
      startPageView(d.referrer);
    } else {
      visibleSince = visibleSince || Date.now();
    }
    tick();
  };

  // Outbound links, downloads, mailto: and tel:, and elements with data-footfall-event.
  let onClick = (e) => {
    let el = e.target;
    let custom = el.closest('[data-footfall-event]');
    let link = el.closest('a[href]');
    if (custom) w.footfall(custom.dataset.footfallEvent);
    if (link) {
      let href = link.href;
      // link.href is normalised, so its scheme is already lower case.
      let type = /^(mailto|tel):/.test(href) ? RegExp.$1
        : link.hasAttribute('download') || downloads.test(link.pathname) ? 'download'
        : /^http/.test(href) && link.host != loc.host && 'outbound';
      if (type) event(type, { url: href, anchor_text: link.innerText.slice(0, 999) });
    }
  };

  let onScroll = () => {
    let seen = (scrollY + innerHeight) / d.documentElement.scrollHeight * 100;
    for (let depth of [25, 50, 75, 100]) {
      // Milestones in order, each once per page view.
      if (seen >= depth - 1 && depth > reached) event('scroll', { name: '' + (reached = depth) });
    }
  };

  // footfall('name'): a custom event, for names the owner allows in EVENT_NAMES.
  w.footfall = (name) => event('custom', { name });

  if (reason) return has('debug') && console.info('footfall: not counted,', reason);
  for (let name of ['pushState', 'replaceState']) {
    let original = history[name];
    history[name] = function () {
      let result = original.apply(this, arguments);
      navigated();
      return result;
    };
  }
  on(w, 'popstate', navigated);
  if (hashMode) on(w, 'hashchange', navigated);
  on(d, 'visibilitychange', onVisibility);
  on(w, 'pagehide', flush);
  on(d, 'click', onClick, true);
  // scroll events cannot be cancelled, so this listener never delays scrolling.
  on(w, 'scroll', onScroll);
  onVisibility();
} catch (e) {} })(window, document, navigator);
