/*
 * Single-page apps change the URL without loading a page: history.pushState/replaceState,
 * the back and forward buttons, and (hash-routed apps) #fragment changes.
 */

/** Calls `navigated` after every URL change that loads no page. Call once. */
export const watchNavigation = (navigated) => {
  for (const name of ['pushState', 'replaceState']) {
    const original = history[name];
    // The app's arguments go through unchanged (both methods return nothing).
    history[name] = (...args) => {
      original.apply(history, args);
      navigated();
    };
  }
  // The back and forward buttons, and every change of the #fragment alone (a link to #/route,
  // location.hash = ...): a fragment navigation fires popstate before hashchange ("navigate to
  // a fragment", https://html.spec.whatwg.org/multipage/browsing-the-web.html#navigate-fragid),
  // so hash mode needs no listener of its own.
  addEventListener('popstate', navigated);
};
