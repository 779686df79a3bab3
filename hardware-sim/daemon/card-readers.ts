import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { cardFaultsProblems, type CardFaults } from '../virtual-card/faults.js';
import { CardImageError, listCardImages, loadCardImage, type CardImageEntry } from '../virtual-card/load.js';
import { CARD_IMAGE_NAME, type CardImage } from '../virtual-card/image.js';
import { VPCD_SLOTS, VirtualCard, VirtualCardError, type ApduExchange, type CardRemovalReason, type VpcdSlot } from '../virtual-card/virtual-card.js';
import { SimRequestError, type SimDevice } from './sim-device.js';

/** What is on one reader, as the control API reports it. */
export interface ReaderState {
  readonly slot: number;
  readonly reader: string;
  readonly port: number;
  readonly card: { readonly image: string; readonly description: string; readonly faults: CardFaults | null; readonly insertedAt: string; readonly apduCount: number } | null;
  readonly lastRemoval: { readonly image: string; readonly reason: CardRemovalReason; readonly at: string } | null;
}

interface Slot {
  readonly index: number;
  readonly vpcd: VpcdSlot;
  card: VirtualCard | null;
  insertedAt: string | null;
  /** The last card that was on this slot, for its APDU log. */
  lastCard: VirtualCard | null;
  lastRemoval: ReaderState['lastRemoval'];
  queue: Promise<unknown>;
}

export interface CardReadersOptions {
  readonly slots?: readonly VpcdSlot[];
  readonly host?: string;
  /** Where card images are listed from; default the committed images. */
  readonly imagesDir?: string;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
}

/** The virtual cards on pcscd's vpcd readers, as a {@link SimDevice} of the sim daemon. */
export class CardReaders implements SimDevice {
  readonly id = 'card-readers';
  readonly description = 'Virtual contactless cards on pcscd’s vpcd readers';
  private readonly slots: Slot[];
  private readonly now: () => Date;
  private readonly log: (line: string) => void;

  constructor(private readonly options: CardReadersOptions = {}) {
    this.slots = (options.slots ?? VPCD_SLOTS).map((vpcd, index) => ({ index, vpcd, card: null, insertedAt: null, lastCard: null, lastRemoval: null, queue: Promise.resolve() }));
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? (() => undefined);
  }

  images(): Promise<readonly CardImageEntry[]> {
    return listCardImages(this.options.imagesDir);
  }

  readers(): ReaderState[] {
    return this.slots.map((s) => this.stateOf(s));
  }

  private stateOf(s: Slot): ReaderState {
    const card = s.card;
    return {
      slot: s.index,
      reader: s.vpcd.reader,
      port: s.vpcd.port,
      card:
        card && s.insertedAt
          ? { image: card.image.name, description: card.image.description, faults: card.faults ?? null, insertedAt: s.insertedAt, apduCount: card.apduLog.length }
          : null,
      lastRemoval: s.lastRemoval,
    };
  }

  private slot(index: string | number): Slot {
    const n = typeof index === 'number' ? index : /^\d{1,2}$/.test(index) ? Number(index) : NaN;
    const s = this.slots[n];
    if (!s) throw new SimRequestError(404, 'unknown-reader', `no reader slot ${JSON.stringify(String(index))}; slots are ${this.slots.map((x) => x.index).join(', ')}`);
    return s;
  }

  private serial<T>(s: Slot, work: () => Promise<T>): Promise<T> {
    const next = s.queue.then(work, work);
    s.queue = next.catch(() => undefined);
    return next;
  }

  /** Puts a card image on a slot, replacing whatever card was there. `faults` is validated (JSON from a request). */
  tap(slotIndex: string | number, imageName: string, faultsInput?: unknown): Promise<ReaderState> {
    const s = this.slot(slotIndex);
    let faults: CardFaults | undefined;
    if (faultsInput !== undefined && faultsInput !== null) {
      const problems = cardFaultsProblems(faultsInput);
      if (problems.length > 0) return Promise.reject(new SimRequestError(400, 'invalid-faults', `invalid faults: ${problems.join('; ')}`, problems));
      faults = faultsInput;
    }
    return this.serial(s, async () => {
      let image: CardImage;
      try {
        if (!CARD_IMAGE_NAME.test(imageName)) throw new CardImageError('unknown-image', `no card image named ${JSON.stringify(imageName)}`);
        image = await loadCardImage(this.options.imagesDir ? path.join(this.options.imagesDir, `${imageName}.json`) : imageName);
      } catch (e) {
        if (e instanceof CardImageError) throw new SimRequestError(e.code === 'unknown-image' ? 404 : 422, e.code, e.message, e.problems);
        throw e;
      }
      await this.removeCard(s);
      const card = new VirtualCard(image, { ...(faults ? { faults } : {}), log: this.log });
      card.onRemoved = (reason) => {
        if (s.card !== card) return;
        s.card = null;
        s.insertedAt = null;
        s.lastRemoval = { image: image.name, reason, at: this.now().toISOString() };
      };
      s.card = card;
      s.lastCard = card;
      try {
        await card.insert({ port: s.vpcd.port, ...(this.options.host ? { host: this.options.host } : {}) });
      } catch (e) {
        s.card = null;
        if (e instanceof VirtualCardError) throw new SimRequestError(503, e.code, e.message);
        throw e;
      }
      s.insertedAt = this.now().toISOString();
      this.log(`slot ${s.index}: ${image.name} tapped`);
      return this.stateOf(s);
    });
  }

  remove(slotIndex: string | number): Promise<ReaderState> {
    const s = this.slot(slotIndex);
    return this.serial(s, async () => {
      await this.removeCard(s);
      return this.stateOf(s);
    });
  }

  private async removeCard(s: Slot): Promise<void> {
    const card = s.card;
    if (!card) return;
    await card.remove();
    s.card = null;
    s.insertedAt = null;
  }

  apduLog(slotIndex: string | number): { slot: number; image: string | null; exchanges: readonly ApduExchange[] } {
    const s = this.slot(slotIndex);
    return { slot: s.index, image: s.lastCard?.image.name ?? null, exchanges: s.lastCard?.apduLog ?? [] };
  }

  status(): unknown {
    return { readers: this.readers() };
  }

  async stop(): Promise<void> {
    for (const s of this.slots) await this.removeCard(s);
  }

  registerRoutes(app: FastifyInstance): void {
    app.get('/api/readers', () => this.readers());
    app.get('/api/cards', () => this.images());
    app.post<{ Params: { slot: string }; Body: unknown }>('/api/readers/:slot/tap', (req) => {
      const body = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SimRequestError(400, 'bad-request', 'body must be a JSON object { image, faults? }');
      const { image, faults, ...rest } = body as Record<string, unknown>;
      const extra = Object.keys(rest);
      if (extra.length > 0) throw new SimRequestError(400, 'bad-request', `unknown field(s): ${extra.join(', ')}`);
      if (typeof image !== 'string' || image.length === 0) throw new SimRequestError(400, 'bad-request', '`image` must be a card image name (GET /api/cards)');
      return this.tap(req.params.slot, image, faults);
    });
    app.post<{ Params: { slot: string } }>('/api/readers/:slot/remove', (req) => this.remove(req.params.slot));
    app.get<{ Params: { slot: string } }>('/api/readers/:slot/apdu-log', (req) => this.apduLog(req.params.slot));
  }
}
