/*
 * Getting a beacon to the Worker, also while the page is going away.
 */
import { api } from './config.js';

/**
 * POSTs `data` as JSON (sent as text/plain, which needs no CORS preflight) to {api}{endpoint}.
 * sendBeacon first: the browser delivers it even after the page is gone. Where it refuses
 * (a full beacon queue, a blocked API), fetch with keepalive, which outlives the page too.
 * Failures are swallowed: analytics must never throw into the page or retry forever.
 */
export const send = (endpoint, data) => {
  const url = api + endpoint;
  data = JSON.stringify(data);
  try {
    navigator.sendBeacon(url, data) || fetch(url, { method: 'POST', body: data, keepalive: true }).catch(() => {});
  } catch (e) {}
};
