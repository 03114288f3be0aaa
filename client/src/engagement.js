/*
 * Engagement with the page view: the seconds it was visible and how far down it was read.
 *
 * Time: POST {api}/heartbeat {uuid, total}, the running total of visible seconds (fractional:
 * the Worker rounds it). The Worker keeps the largest total it has seen (capped by the time
 * since /init), so a repeated or reordered beacon changes nothing and one beacon carries any
 * amount of time.
 *
 * The total goes out when the page is hidden (visibilitychange; pagehide as a backstop) and
 * before an SPA navigation: that is how nearly every view ends, at a cost of one request.
 * Backup beats only cover tabs that die without either event (a mobile browser discarding a
 * background tab, a crash): the first after 15 s visible, then each twice as long after the
 * one before, at most 5 minutes apart. README.md, "When the tracker sends", weighs requests
 * per view against the seconds such a tab can lose.
 *
 * Scroll depth rides along: each heartbeat carries `scroll`, the deepest point of the page seen
 * so far in % (the Worker rounds it, caps it at 100 and keeps the largest), so reading further
 * costs no request of its own.
 */
import { send } from './transport.js';
import { uuid } from './pageview.js';

const FIRST_BEAT_MS = 15e3;
const LONGEST_GAP_MS = 3e5;

let visibleMs; // visible time counted so far
let visibleSince; // Date.now() when the clock last started or was read; false while hidden
let sentSeconds; // the last total sent
let gapMs; // visible time from one backup beat to the next
let timer;
let deepest; // the deepest point of the page seen so far, in %
let sentDepth; // the depth last sent

/**
 * Reports the visible seconds so far if they grew by over half a second since the last report
 * (or the page was read further). Safe to call twice: following a link, Chromium fires
 * pagehide while the page is still visible and visibilitychange a moment later, and that
 * moment, under the Worker's rounding, is no reason for a second beacon.
 */
export const flush = () => {
  const now = Date.now();
  visibleMs += visibleSince && now - visibleSince;
  // The clock runs from now while the page is visible (a new view, a shown page, a backup
  // beat, pagehide, an SPA navigation) and stops while it is hidden.
  visibleSince = !document.hidden && now;
  const total = visibleMs / 1e3;
  if (total > sentSeconds + 0.5 || deepest > sentDepth) {
    send('heartbeat', { uuid, total: (sentSeconds = total), scroll: (sentDepth = deepest) });
  }
};

/**
 * Reports the time so far, then schedules the next backup beat only if the page is visible.
 * Called when the page is shown or hidden, and by each beat. After a hide everything was
 * reported, so the next beat is one gap after the page is shown again.
 */
export const checkpoint = () => {
  flush();
  // A setTimeout chain, not setInterval: it runs only while the page is visible, and every
  // gap is twice the one before.
  clearTimeout(timer);
  if (visibleSince) timer = setTimeout(beat, gapMs);
};

const beat = () => {
  gapMs = Math.min(gapMs * 2, LONGEST_GAP_MS);
  checkpoint();
};

/** A new page view: its time from zero, its scroll depth from the top. */
export const startEngagement = () => {
  visibleMs = visibleSince = sentSeconds = deepest = sentDepth = 0;
  gapMs = FIRST_BEAT_MS;
  checkpoint();
};

/** The bottom of the viewport in % of the page's height (over 100 when the page is shorter). */
export const onScroll = () => {
  deepest = Math.max(deepest, ((scrollY + innerHeight) / document.documentElement.scrollHeight) * 100);
};
