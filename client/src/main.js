/*
 * footfall's tracker: served by the Worker from the site's own domain and bundled from these
 * modules by client/build.mjs, which also wraps it all in one try: nothing the tracker does
 * may throw into the page. No cookies, nothing stored in the browser: a random uuid per page
 * view, kept in memory only. README.md, "What is collected", lists what it sends.
 */
import { options } from './config.js';
import { reasonNotToCount } from './filter.js';
import { uuid, path, currentPath, beginPageView } from './pageview.js';
import { startEngagement, checkpoint, flush, onScroll } from './engagement.js';
import { track, onClick } from './events.js';
import { watchNavigation } from './spa.js';

const startPageView = (referrer) => {
  beginPageView(referrer);
  startEngagement();
};

// A prerendered page (speculation rules) stays hidden until shown, so it counts only then:
// visibilitychange fires on activation.
const onVisibilityChange = () => {
  if (uuid || document.hidden) checkpoint();
  else startPageView(document.referrer);
};

// A new page view when the path (or, in hash mode, the fragment) changed; the old view's time
// is reported first. Its referrer is the app's previous page.
const onNavigation = () => {
  if (uuid && currentPath() != path) {
    flush();
    startPageView(location.origin + path);
  }
};

// A page that loads the tracker twice (a tag in its template and the one the Worker adds, or
// one in its <body>) counts once: the second copy finds the first one's function.
const reason = window.footfall ? 'twice' : reasonNotToCount();

// footfall('name', {plan: 'pro'}): a custom event with its properties, for names the owner
// allows in EVENT_NAMES. Defined on uncounted visits too, so the site's own calls never fail;
// a second copy keeps the first one's, which knows the page view's uuid.
window.footfall ||= (name, props) => track('custom', { name, props });
if (reason) {
  if ('debug' in options) console.info('footfall: not counted,', reason);
} else {
  watchNavigation(onNavigation);
  // visibilitychange bubbles from the document to the window.
  addEventListener('visibilitychange', onVisibilityChange);
  // The backstop for a page that goes away without being hidden first. The total goes out
  // only if it grew, so a page hidden and then closed reports once.
  addEventListener('pagehide', flush);
  addEventListener('click', onClick, true);
  // Scroll events cannot be cancelled, so this listener never delays scrolling.
  addEventListener('scroll', onScroll);
  onVisibilityChange();
}
