/*
 * The site owner's options, read from the tracker's own <script> tag:
 *
 *   <script defer src="/_ff/script.js" data-hash data-debug></script>
 *
 *   data-allow-localhost      also count on localhost and 127.*
 *   data-hash                 #fragment changes are page views (hash-routed apps)
 *   data-downloads="pdf|zip"  only these file extensions count as downloads
 *   data-debug                say in the console why this visit is not counted
 *
 * README.md, "Add it to your site", documents them for owners. Read while the script runs:
 * document.currentScript is null afterwards.
 */
const script = document.currentScript;

/** The value of `data-{name}`, or null when the tag does not carry it. */
export const option = (name) => script.getAttribute('data-' + name);

export const hasOption = (name) => option(name) != null;

/** The endpoints live beside the script: {prefix}/script.js -> {prefix}/init, ... */
export const api = script.src.replace(/[^/]*$/, '');

/** Whether `#fragment` changes are page views of their own. */
export const hashMode = hasOption('hash');
