/*
 * The site owner's options, read from the tracker's own <script> tag:
 *
 *   <script defer src="/_ff/script.js" data-hash data-debug></script>
 *
 *   data-hash                 #fragment changes are page views (hash-routed apps)
 *   data-downloads="pdf|zip"  only these file extensions count as downloads
 *   data-debug                say in the console why this visit is not counted
 *
 * README.md, "Add it to your site", documents them for owners. Read while the script runs:
 * document.currentScript is null afterwards.
 */
const script = document.currentScript;

/**
 * The tag's data-* attributes by name (data-downloads is options.downloads). A flag is
 * tested with `in`: <script data-hash> gives an empty, falsy string.
 */
export const options = script.dataset;

/** The endpoints live beside the script: {prefix}/script.js -> {prefix}/init, ... */
export const api = script.src.replace(/[^/]*$/, '');

/** Whether `#fragment` changes are page views of their own. */
export const hashMode = 'hash' in options;
