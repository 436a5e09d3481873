/**
 * The `$w` of a Wix page, for the local host's pages (compiled by esbuild and served as
 * /_local/w.js before the page code module). Reads the page's elements from the JSON manifest the
 * host embeds (`<script type="application/json" id="wix-local-page">`).
 *
 * HtmlComponent: on Wix the iframe runs on another origin (`*.filesusr.com`). The host emulates that
 * with a sandboxed iframe without `allow-same-origin` (an opaque origin), so `postMessage` to it uses
 * target origin '*', and `onMessage` accepts only messages whose `event.source` is that iframe.
 */
interface LocalElementSpec {
  readonly type: 'Text' | 'HtmlComponent';
}

interface LocalPageSpec {
  readonly page: string;
  readonly elements: Readonly<Record<string, LocalElementSpec>>;
}

type MessageHandler = (event: { readonly data: unknown; readonly type: 'message'; readonly target: unknown }) => void;

function readSpec(): LocalPageSpec {
  const el = document.getElementById('wix-local-page');
  const parsed: unknown = JSON.parse(el?.textContent ?? '{}');
  if (typeof parsed !== 'object' || parsed === null || !('elements' in parsed)) return { page: '', elements: {} };
  return parsed as LocalPageSpec;
}

function domOf(id: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-wix-id="${CSS.escape(id)}"]`);
  if (!el) throw new TypeError(`$w('#${id}'): the element is not on this page`);
  return el;
}

function baseElement(id: string, el: HTMLElement) {
  return {
    id,
    get hidden(): boolean {
      return el.hidden;
    },
    get isVisible(): boolean {
      return !el.hidden;
    },
    show(): Promise<void> {
      el.hidden = false;
      return Promise.resolve();
    },
    hide(): Promise<void> {
      el.hidden = true;
      return Promise.resolve();
    },
  };
}

function textElement(id: string, el: HTMLElement) {
  return Object.defineProperties(baseElement(id, el), {
    type: { value: '$w.Text', enumerable: true },
    text: {
      get: () => el.textContent ?? '',
      set: (value: unknown) => {
        el.textContent = String(value);
      },
      enumerable: true,
    },
  });
}

/**
 * Messages an iframe posts before page code registered `onMessage` are queued and delivered on
 * registration, so the documented "iframe announces ready first" pattern never loses the announcement
 * to a slow page-code load.
 */
function htmlComponent(id: string, el: HTMLElement) {
  if (!(el instanceof HTMLIFrameElement)) throw new TypeError(`#${id} is not an HtmlComponent`);
  const frame = el;
  const handlers: MessageHandler[] = [];
  const early: unknown[] = [];
  const wrapper = Object.defineProperties(baseElement(id, el), {
    type: { value: '$w.HtmlComponent', enumerable: true },
    src: {
      get: () => frame.src,
      set: (value: unknown) => {
        frame.src = String(value);
      },
      enumerable: true,
    },
  });
  const deliver = (data: unknown): void => {
    for (const handler of handlers) handler({ data, type: 'message', target: wrapper });
  };
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (event.source !== frame.contentWindow) return;
    if (handlers.length === 0) early.push(event.data);
    else deliver(event.data);
  });
  return Object.assign(wrapper, {
    postMessage(message: unknown): void {
      // Like Wix: a message posted before the iframe loaded may be lost; apps announce "ready" first.
      frame.contentWindow?.postMessage(message, '*');
    },
    onMessage(handler: MessageHandler): void {
      handlers.push(handler);
      if (handlers.length === 1 && early.length > 0) {
        const queued = early.splice(0);
        setTimeout(() => queued.forEach(deliver), 0);
      }
    },
  });
}

function install(): void {
  const spec = readSpec();
  const cache = new Map<string, unknown>();
  const readyHandlers: (() => unknown)[] = [];
  let ready = document.readyState !== 'loading';

  const select = (selector: string): unknown => {
    if (!selector.startsWith('#')) throw new TypeError(`$w('${selector}'): the local host supports '#id' selectors only`);
    const id = selector.slice(1);
    const cached = cache.get(id);
    if (cached) return cached;
    const elementSpec = spec.elements[selector] ?? spec.elements[id];
    if (!elementSpec) throw new TypeError(`$w('${selector}'): no such element in wix.pages.json for page ${spec.page}`);
    const el = domOf(id);
    let wrapper: unknown;
    switch (elementSpec.type) {
      case 'Text':
        wrapper = textElement(id, el);
        break;
      case 'HtmlComponent':
        wrapper = htmlComponent(id, el);
        break;
      default: {
        const unknownType: never = elementSpec.type;
        throw new TypeError(`$w('${selector}'): unsupported element type ${String(unknownType)}`);
      }
    }
    cache.set(id, wrapper);
    return wrapper;
  };

  const run = (handler: () => unknown): void => {
    setTimeout(() => {
      Promise.resolve()
        .then(handler)
        .catch((error: unknown) => console.error('$w.onReady handler failed', error));
    }, 0);
  };

  const $w = Object.assign(select, {
    onReady(handler: () => unknown): void {
      if (ready) run(handler);
      else readyHandlers.push(handler);
    },
  });

  if (!ready) {
    document.addEventListener('DOMContentLoaded', () => {
      ready = true;
      for (const h of readyHandlers.splice(0)) run(h);
    });
  }
  Object.defineProperty(window, '$w', { value: $w, configurable: false, writable: false });
  // HtmlComponents listen from the start (see htmlComponent): create their wrappers now.
  for (const [selector, el] of Object.entries(spec.elements)) {
    if (el.type === 'HtmlComponent') select(selector.startsWith('#') ? selector : `#${selector}`);
  }
}

install();
