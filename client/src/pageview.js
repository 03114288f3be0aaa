/*
 * The page view being counted: its random id and its path, and the /init beacon.
 */
import { hashMode } from './config.js';
import { send } from './transport.js';

/** A random id for this page view alone, kept in memory only: nothing identifies the visitor. */
export let uuid;

/** The path this page view is counted under, without the query. */
export let path;

/** The path as the tracker counts it: with the #fragment only in hash mode. */
export const currentPath = () => location.pathname + (hashMode ? location.hash : '');

/** Starts a new page view and reports it: POST {api}/init {uuid, page, referrer}. */
export const beginPageView = (referrer) => {
  // A random v4 uuid from the browser: a blob URL ends in one and, unlike crypto.randomUUID,
  // needs no secure context, so plain-http sites count too.
  uuid = URL.createObjectURL(new Blob()).slice(-36);
  path = currentPath();
  // From the query only the utm_* campaign parameters leave the browser, and knownBot=1, the
  // owner's mark on a monitor's visit: the Worker stores nothing for a page that carries it.
  // They go before the #fragment, as in a URL, so that the Worker finds both the route and
  // the campaign.
  const query = location.search.replace(/[?&](?!utm_|knownBot=)[^&]*/g, '').replace(/^&/, '?');
  send('init', { uuid, page: location.pathname + query + (hashMode ? location.hash : ''), referrer });
};
