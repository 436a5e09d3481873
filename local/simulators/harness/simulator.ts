/**
 * `Simulator`: one loopback provider simulator = server + router + request log + webhook queue +
 * magic tables + console at `/_sim/<name>/`. Concrete simulators (Twilio, SendGrid, …) compose it:
 * they add provider routes with `route()`, register magic tables, console sections and actions.
 */
import { ManualClock, systemClock, type SimClock } from './clock';
import { renderConsolePage, type ConsoleActionSpec, type ConsoleSection, type MagicRow } from './console';
import type { ErrorDialect } from './errors';
import { htmlResponse, jsonResponse, redirectResponse, type FormParams, type RouteHandler } from './http';
import { RequestLog } from './requestLog';
import type { HttpMethod } from './router';
import { SimServer } from './server';
import { WebhookQueue, type WebhookQueueKnobs, type WebhookQueueOptions } from './webhookQueue';

export interface SimulatorOptions {
  /** URL-safe name: console at `/_sim/<name>/`. */
  readonly name: string;
  /** Human title for the console and the host's home page. */
  readonly title?: string;
  readonly description: string;
  readonly errorDialect: ErrorDialect;
  readonly clock?: SimClock;
  readonly requestLogCapacity?: number;
  readonly webhooks?: Omit<WebhookQueueOptions, 'clock'>;
  /** Deliver due webhooks on a real timer once started. Default: true unless the clock is a ManualClock. */
  readonly autoDeliver?: boolean;
  readonly maxBodyBytes?: number;
}

/** What the local host's home page needs (matches `registerConsole({ name, path, description })`). */
export interface SimulatorDescription {
  readonly name: string;
  readonly title: string;
  /** Path of the console on the simulator's own server. */
  readonly path: string;
  /** Absolute console URL (the simulator listens on its own port). */
  readonly url: string;
  /** Base URL the SDK seams point at. */
  readonly baseUrl: string;
  readonly description: string;
}

export type ConsoleActionHandler = (form: FormParams) => string | void | Promise<string | void>;

interface MagicSource {
  list(): readonly MagicRow[];
}

export class Simulator {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly clock: SimClock;
  readonly server: SimServer;
  readonly log: RequestLog;
  readonly webhooks: WebhookQueue;
  readonly consolePath: string;
  readonly #autoDeliver: boolean;
  readonly #sections: (() => ConsoleSection)[] = [];
  readonly #actions = new Map<string, { spec: ConsoleActionSpec; handler: ConsoleActionHandler }>();
  readonly #magic: { title: string; table: MagicSource }[] = [];

  constructor(options: SimulatorOptions) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(options.name)) throw new Error(`simulator name must be URL-safe lower-case, got "${options.name}"`);
    this.name = options.name;
    this.title = options.title ?? `${options.name} simulator`;
    this.description = options.description;
    this.clock = options.clock ?? systemClock;
    this.consolePath = `/_sim/${options.name}/`;
    this.log = new RequestLog(options.requestLogCapacity ?? 500);
    const consolePrefix = this.consolePath;
    this.server = new SimServer({
      clock: this.clock,
      errorDialect: options.errorDialect,
      requestLog: this.log,
      ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
      skipLog: (path) => path.startsWith(consolePrefix),
    });
    this.webhooks = new WebhookQueue({ ...options.webhooks, clock: this.clock });
    this.#autoDeliver = options.autoDeliver ?? !(this.clock instanceof ManualClock);
    this.#mountConsole();
  }

  route(method: HttpMethod | '*', pattern: string, handler: RouteHandler): this {
    this.server.router.add(method, pattern, handler);
    return this;
  }

  /** Shows a magic-recipient table on the console. */
  registerMagicTable(title: string, table: MagicSource): void {
    this.#magic.push({ title, table });
  }

  /** Adds a console section, rendered fresh on every page view. */
  addConsoleSection(render: () => ConsoleSection): void {
    this.#sections.push(render);
  }

  /** A console form button; the handler's returned string is shown as a flash message. */
  addAction(spec: ConsoleActionSpec, handler: ConsoleActionHandler): void {
    if (!/^[a-z0-9-]+$/.test(spec.name)) throw new Error(`action name must be URL-safe, got "${spec.name}"`);
    this.#actions.set(spec.name, { spec, handler });
  }

  async start(port = 0): Promise<string> {
    const url = await this.server.listen(port);
    if (this.#autoDeliver) this.webhooks.start();
    return url;
  }

  async stop(): Promise<void> {
    await this.webhooks.stop();
    await this.server.close();
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  describe(): SimulatorDescription {
    return {
      name: this.name,
      title: this.title,
      path: this.consolePath,
      url: `${this.server.baseUrl}${this.consolePath}`,
      baseUrl: this.server.baseUrl,
      description: this.description,
    };
  }

  #mountConsole(): void {
    const mount = this.consolePath;
    this.addAction({ name: 'run-due', label: 'Deliver due webhooks now' }, async () => {
      const results = await this.webhooks.runDue();
      return `${results.length} delivery attempt(s)`;
    });
    this.addAction({ name: 'clear-log', label: 'Clear request log' }, () => {
      this.log.clear();
      return 'request log cleared';
    });
    this.addAction(
      {
        name: 'knobs',
        label: 'Apply webhook knobs',
        fields: [
          { name: 'delayMin', label: 'delay min ms', type: 'number', value: '' },
          { name: 'delayMax', label: 'delay max ms', type: 'number', value: '' },
          { name: 'duplicateRate', label: 'duplicate rate 0..1', type: 'text', value: '' },
          { name: 'reorderJitterMs', label: 'reorder jitter ms', type: 'number', value: '' },
        ],
      },
      (form) => {
        const k = this.webhooks.knobs;
        const num = (key: string, fallback: number): number => {
          const raw = form[key];
          const value = Array.isArray(raw) ? raw[0] : raw;
          return value === undefined || value.trim() === '' ? fallback : Number(value);
        };
        const next: Partial<WebhookQueueKnobs> = {
          delayMs: [num('delayMin', k.delayMs[0]), num('delayMax', k.delayMs[1])],
          duplicateRate: num('duplicateRate', k.duplicateRate),
          reorderJitterMs: num('reorderJitterMs', k.reorderJitterMs),
        };
        this.webhooks.configure(next);
        return 'webhook knobs updated';
      },
    );

    this.route('GET', mount, (req) => {
      const flash = req.query.get('msg') ?? undefined;
      return htmlResponse(200, renderConsolePage({ title: this.title, subtitle: this.description, mount, now: this.clock.now(), ...(flash ? { flash } : {}), sections: this.#consoleSections() }));
    });
    this.route('GET', `${mount}api/requests`, (req) => {
      const limit = Number(req.query.get('limit') ?? '100');
      return jsonResponse(200, { requests: this.log.entries().slice(-Math.max(1, limit)) });
    });
    this.route('GET', `${mount}api/webhooks`, () =>
      jsonResponse(200, { knobs: this.webhooks.knobs, pending: this.webhooks.pending(), deliveries: this.webhooks.deliveries(), stats: this.webhooks.stats }),
    );
    this.route('GET', `${mount}api/magic`, () => jsonResponse(200, { tables: this.#magic.map((m) => ({ title: m.title, rows: m.table.list() })) }));
    this.route('POST', `${mount}actions/:action`, async (req) => {
      const action = this.#actions.get(req.params['action'] ?? '');
      if (!action) return jsonResponse(404, { error: `unknown action ${req.params['action'] ?? ''}` });
      let message: string;
      try {
        message = (await action.handler(req.form())) ?? `${action.spec.label}: done`;
      } catch (err) {
        message = `${action.spec.label} failed: ${err instanceof Error ? err.message : String(err)}`;
      }
      return redirectResponse(`${mount}?msg=${encodeURIComponent(message)}`);
    });
  }

  #consoleSections(): ConsoleSection[] {
    const builtinActions = ['run-due', 'clear-log', 'knobs'];
    const custom = [...this.#actions.values()].filter((a) => !builtinActions.includes(a.spec.name)).map((a) => a.spec);
    const sections: ConsoleSection[] = [];
    if (custom.length > 0) sections.push({ kind: 'controls', title: 'Controls', actions: custom });
    sections.push(...this.#sections.map((render) => render()));
    for (const m of this.#magic) sections.push({ kind: 'magic', title: m.title, rows: m.table.list() });
    sections.push({ kind: 'webhooks', title: 'Webhook queue', pending: this.webhooks.pending(), deliveries: this.webhooks.deliveries(), knobs: this.webhooks.knobs });
    sections.push({ kind: 'requests', title: 'Request log', entries: this.log.entries().slice(-100) });
    sections.push({ kind: 'controls', title: 'Harness', actions: builtinActions.flatMap((n) => this.#actions.get(n)?.spec ?? []) });
    return sections;
  }
}
