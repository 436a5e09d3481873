/**
 * The `$w` selector that Wix gives page code (a global, not an import). Only the element kinds the
 * recruiter pages use are declared.
 */
interface WixHtmlComponentMessageEvent {
  readonly data: unknown;
}

interface WixElementBase {
  readonly id: string;
  show(): Promise<void>;
  hide(): Promise<void>;
  readonly hidden: boolean;
}

interface WixHtmlComponent extends WixElementBase {
  src: string;
  postMessage(message: unknown): void;
  onMessage(handler: (event: WixHtmlComponentMessageEvent) => void): void;
}

interface WixTextElement extends WixElementBase {
  text: string;
}

type WixElement = WixHtmlComponent & WixTextElement;

interface WixSelector {
  (selector: string): WixElement;
  onReady(handler: () => void | Promise<void>): void;
}

declare const $w: WixSelector;
