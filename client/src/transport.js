/*
 * Getting a beacon to the Worker, also while the page is going away.
 */
import { api } from './config.js';

/**
 * POSTs `data` as JSON to {api}{endpoint} with navigator.sendBeacon: the browser delivers it
 * even after the page is gone, and its text/plain body needs no CORS preflight.
 *
 * One transport: sendBeacon is in every browser that can run this script. It came in Chrome
 * 39, Firefox 31, Safari 11.1 and Edge 14 (https://developer.mozilla.org/docs/Web/API/Navigator/sendBeacon);
 * the built script's `catch {}` without a binding already needs Chrome 66, Firefox 58, Safari
 * 11.1. When it refuses, the page's keepalive quota (64 KiB in flight,
 * https://fetch.spec.whatwg.org/#http-network-or-cache-fetch) is spent, and
 * fetch(..., {keepalive: true}) draws on the same quota: a fallback would fail too.
 * Errors are swallowed: analytics must never throw into the page or retry forever.
 */
export const send = (endpoint, data) => {
  try {
    navigator.sendBeacon(api + endpoint, JSON.stringify(data));
  } catch (e) {}
};
