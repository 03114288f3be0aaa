// Prints ua-parser-js's reading of every user agent in npm's top-user-agents, as JSON:
// the reference our stdlib parser (src/footfall/classify/useragent.py) is checked against.
import { UAParser } from 'ua-parser-js';
import agents from 'top-user-agents';

const out = [...new Set(agents)].map((ua) => {
  const r = new UAParser(ua).getResult();
  return { ua, browser: r.browser.name ?? null, os: r.os.name ?? null, device: r.device.type ?? null };
});
console.log(JSON.stringify(out));
