/*
 * Visits the tracker does not report at all, decided from what only the browser knows.
 *
 * What the Worker can decide from the request itself costs the tracker no bytes and is left
 * to it: Do Not Track and Global Privacy Control (the `DNT` and `Sec-GPC` request headers)
 * and crawlers' user agents (stored with their bot class, never counted as people).
 */
import { hasOption } from './config.js';

/**
 * Why this visit is not counted, or '' when it is. The words double as the data-debug
 * console message, and reuse names the script already contains, which gzip stores for free.
 */
export const reasonNotToCount = () =>
  location.protocol == 'file:' ? 'file'
  // The owner's own previews, unless the tag says otherwise.
  : /^(localhost|127\.|\[::1\])/.test(location.hostname) && !hasOption('allow-localhost') ? 'localhost'
  // Browsers driven by automation say so (https://w3c.github.io/webdriver/#interface).
  : navigator.webdriver ? 'webdriver'
  // The owner's monitors and scripts mark themselves as not a person with ?knownBot=1.
  : /[?&]knownBot=1/.test(location.search) ? 'knownBot'
  // The visitor's own opt-out: localStorage.footfall_ignore = 1. Reading it throws where
  // storage is blocked; main.js catches that and the visit stays uncounted.
  : localStorage.footfall_ignore ? 'footfall_ignore'
  : '';
