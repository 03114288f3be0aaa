/*
 * Engagement with the page view: the seconds it was visible and how far down it was read.
 *
 * Time: POST {api}/heartbeat {uuid, total}, the running total of visible seconds. The Worker
 * keeps the largest total it has seen (capped by the time since /init), so a repeated or
 * reordered beacon changes nothing and one beacon carries any amount of time.
 *
 * The total goes out when the page is hidden (visibilitychange; pagehide as a backstop) and
 * before an SPA navigation: that is how nearly every view ends, at a cost of one request.
 * Backup beats only cover tabs that die without either event (a mobile browser discarding a
 * background tab, a crash): the first after 15 s visible, then each twice as long after the
 * one before, at most 5 minutes apart. README.md, "When the tracker sends", weighs requests
 * per view against the seconds such a tab can lose.
 *
 * Scroll depth rides along: each heartbeat carries `scroll`, the deepest point of the page seen
 * so far in % (the Worker keeps the largest), so reading further costs no request of its own.
 */
import { send } from './transport.js';
import { uuid } from './pageview.js';

const FIRST_BEAT_MS = 15e3;
const LONGEST_GAP_MS = 3e5;

let visibleMs; // visible time counted so far
let visibleSince; // Date.now() when the clock last started or was read; 0 while hidden
let sentSeconds; // the last total sent: sending only when it grew stops double sends
let gapMs; // visible time from one backup beat to the next
let timer;
let deepest; // the deepest point of the page seen so far, in %
let sentDepth; // the depth last sent

/** Reports the visible seconds so far if they grew since the last report. Safe to call twice. */
export const flush = () => {
  const now = Date.now();
  if (visibleSince) {
    visibleMs += now - visibleSince;
    // A hidden page's clock stops here; a visible one (a backup beat, pagehide, an SPA
    // navigation) keeps running from now.
    visibleSince = !document.hidden && now;
  }
  const total = Math.round(visibleMs / 1e3);
  if (total > sentSeconds || deepest > sentDepth) {
    send('heartbeat', { uuid, total: (sentSeconds = total), scroll: (sentDepth = deepest) });
  }
};

/**
 * Reports the time so far, then runs the clock and the next backup beat only if the page is
 * visible. Called when the page is shown or hidden, and by each beat. After a hide everything
 * was reported, so the next beat is one gap after the page is shown again.
 */
export const checkpoint = () => {
  flush();
  visibleSince = visibleSince || (!document.hidden && Date.now());
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

export const onScroll = () => {
  const seen = ((scrollY + innerHeight) / document.documentElement.scrollHeight) * 100;
  deepest = Math.max(deepest, Math.min(100, Math.round(seen)));
};
