/*
 * Single-page apps change the URL without loading a page: history.pushState/replaceState,
 * the back and forward buttons (popstate), and in hash mode #fragment changes.
 */
import { hashMode } from './config.js';

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
  addEventListener('popstate', navigated);
  if (hashMode) addEventListener('hashchange', navigated);
};
