/*
 * Events on a page view: outbound links, downloads, mailto: and tel: links, and the owner's
 * custom events (scroll depth lives in engagement.js).
 *
 * POST {api}/event {uuid, seq, type, page, url, anchor_text | name, props}
 *
 * A link is a download (its `download` attribute or its file extension) or, when it leaves
 * the page's host, outbound. The Worker names the rest by the URL's scheme: a mailto: or tel:
 * link is a mailto or tel event, and one that is not a web address at all (javascript:) is
 * accepted and not stored (footfall.collect.payload.parse_event).
 */
import { options } from './config.js';
import { send } from './transport.js';
import { uuid, path } from './pageview.js';

// Numbers the events, so that a duplicated beacon finds its event already stored.
let seq = 0;

// Which links are downloads: the extensions the owner lists, else any but a web page's.
const downloads = RegExp('\\.(' + (options.downloads || '(?!html?$|php$|aspx?$)\\w{1,5}') + ')$', 'i');

/** Reports one event of the current page view (none before the view is counted). */
export const track = (type, fields) => {
  if (uuid) send('event', { uuid, seq: ++seq, type, page: path, ...fields });
};

/** Clicks on links and on elements with data-footfall-event (listened to in the capture phase). */
export const onClick = ({ target }) => {
  const custom = target.closest('[data-footfall-event]');
  const link = target.closest('a[href]');
  // The element's whole dataset goes: the Worker takes the name from data-footfall-event and
  // the properties from the data-footfall-prop-* attributes (footfall/report/props.py), which costs
  // the script no loop over the attributes.
  if (custom) track('custom', { props: custom.dataset });
  if (link) {
    const type = link.hasAttribute('download') || downloads.test(link.pathname) ? 'download'
      : link.host != location.host && 'outbound';
    if (type) track(type, { url: link.href, anchor_text: link.innerText.slice(0, 999) });
  }
};
