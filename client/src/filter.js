/*
 * Visits the tracker does not report at all, decided from what only the browser knows.
 *
 * What the Worker can decide from the request itself costs the tracker no bytes and is left
 * to it (README.md, "What is collected, and what is not"):
 * - Do Not Track and Global Privacy Control: the `DNT` and `Sec-GPC` request headers;
 * - crawlers' user agents: stored with their bot class, never counted as people;
 * - pages that are not the site's own (a preview on localhost, a file: page): the Worker
 *   accepts beacons from its own origin only (and CORS_ORIGINS), so theirs are refused;
 * - the owner's monitors (?knownBot=1): the page the tracker reports keeps that parameter,
 *   and the Worker stores nothing for it.
 */

/**
 * Why this visit is not counted, or '' when it is. The words double as the data-debug
 * console message, and reuse names the script already contains, which gzip stores for free.
 */
export const reasonNotToCount = () =>
  // Browsers driven by automation say so (https://w3c.github.io/webdriver/#interface).
  navigator.webdriver ? 'webdriver'
  // The visitor's own opt-out: localStorage.footfall_ignore = 1. Reading it throws where
  // storage is blocked; main.js catches that and the visit stays uncounted.
  : localStorage.footfall_ignore ? 'footfall_ignore'
  : '';
