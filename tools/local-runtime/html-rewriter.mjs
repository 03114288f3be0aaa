// The `HTMLRewriter` global of Cloudflare Workers, for the local runtime.
//
// workerd's HTMLRewriter is lol-html behind a Response-in, Response-out API. npm's
// `html-rewriter-wasm` is lol-html compiled to WebAssembly with a lower-level API (an output
// callback, write(chunk), end()). This module puts workerd's API on top of it:
//
//   new HTMLRewriter().on('head', { element(el) { el.append(tag, { html: true }) } })
//     .transform(response)            // -> a Response whose body is rewritten as it streams
//
// Nothing is buffered: each chunk the source body yields goes through lol-html and whatever
// lol-html emits is handed on before the next chunk is read. See README.md for what differs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wasm = require('html-rewriter-wasm');

const HANDLER_KINDS = {
  element: ['element', 'comments', 'text'],
  document: ['doctype', 'comments', 'text', 'end'],
};

/**
 * A handler as lol-html calls it: `this` is the handler object (as in workerd), and a result
 * that is only promise-like (a Pyodide PyProxy of a coroutine) becomes a real Promise, the
 * only kind html-rewriter-wasm waits for.
 */
function adaptHandlers(handlers, kinds) {
  if (handlers === null || (typeof handlers !== 'object' && typeof handlers !== 'function')) {
    throw new TypeError('HTMLRewriter handlers must be an object');
  }
  const adapted = {};
  for (const kind of kinds) {
    const fn = handlers[kind];
    if (fn === undefined || fn === null) continue;
    if (typeof fn !== 'function') throw new TypeError(`HTMLRewriter handler '${kind}' must be a function`);
    adapted[kind] = (token) => {
      const result = fn.call(handlers, token);
      if (result instanceof Promise) return result;
      if (result && typeof result.then === 'function') return Promise.resolve(result);
      return undefined;
    };
  }
  return adapted;
}

export class HTMLRewriter {
  #elementHandlers = [];
  #documentHandlers = [];

  /** Run `handlers.element/comments/text` for every match of a CSS `selector`. */
  on(selector, handlers) {
    const selectorText = String(selector);
    // workerd rejects a selector lol-html cannot parse here, not later in the stream.
    const probe = new wasm.HTMLRewriter(() => {});
    try {
      probe.on(selectorText, {});
    } catch (err) {
      throw new TypeError(`Invalid selector ${JSON.stringify(selectorText)}: ${err?.message ?? err}`);
    } finally {
      probe.free();
    }
    this.#elementHandlers.push([selectorText, adaptHandlers(handlers, HANDLER_KINDS.element)]);
    return this;
  }

  /** Run `handlers.doctype/comments/text/end` for the whole document. */
  onDocument(handlers) {
    this.#documentHandlers.push(adaptHandlers(handlers, HANDLER_KINDS.document));
    return this;
  }

  /** A new Response with the same status and headers whose body is rewritten while it streams. */
  transform(response) {
    if (!(response instanceof Response)) throw new TypeError('HTMLRewriter.transform() expects a Response');
    if (response.bodyUsed) throw new TypeError('HTMLRewriter.transform(): the body has already been used');
    const init = { status: response.status, statusText: response.statusText, headers: response.headers };
    if (response.body === null) return new Response(null, init);

    const elementHandlers = [...this.#elementHandlers];
    const documentHandlers = [...this.#documentHandlers];
    const reader = response.body.getReader();
    let rewriter = null;
    const release = () => {
      if (rewriter) {
        rewriter.free();
        rewriter = null;
      }
    };

    const body = new ReadableStream({
      start(controller) {
        // lol-html's output chunks are views into WebAssembly memory: copy before handing on.
        rewriter = new wasm.HTMLRewriter((chunk) => controller.enqueue(chunk.slice()));
        for (const [selector, handlers] of elementHandlers) rewriter.on(selector, handlers);
        for (const handlers of documentHandlers) rewriter.onDocument(handlers);
      },
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            await rewriter.end();
            release();
            controller.close();
            return;
          }
          await rewriter.write(value instanceof Uint8Array ? value : new Uint8Array(value));
        } catch (err) {
          release();
          reader.cancel(err).catch(() => {});
          controller.error(err);
        }
      },
      cancel(reason) {
        release();
        return reader.cancel(reason);
      },
    }, { highWaterMark: 0 });
    return new Response(body, init);
  }
}

/** Make `HTMLRewriter` a global, as it is in workerd (Python reaches it as `js.HTMLRewriter`). */
export function installHtmlRewriter() {
  globalThis.HTMLRewriter = HTMLRewriter;
}
