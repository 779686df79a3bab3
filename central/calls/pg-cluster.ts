/**
 * Several central instances on one PostgreSQL schema serving calls as one.
 *
 * - One decides: the instance holding a session advisory lock (per schema) is the leader. It
 *   runs the {@link CallCore}; the others only hold sockets. When the leader dies its database
 *   session ends, the lock is free, and another instance takes over within a second.
 * - Events in: every instance writes what its sockets did into `call_inbox` (one row per event,
 *   in order) and wakes the leader with `NOTIFY`.
 * - One transaction per decision step: the leader checks it still leads (`call_state.epoch`,
 *   taken `FOR UPDATE`), deletes the inbox rows it applies, writes the call records (waiting,
 *   missed, audit), the whole queue state (`call_state.state`: entries, offers, agents, timers as
 *   due times, which connection is whose) and `NOTIFY`s the messages for the sockets. Either all
 *   of it commits or none: a leader killed mid-step leaves its events in the inbox for the next,
 *   which starts from the last committed state, so nothing is lost and nothing is decided twice.
 * - Messages out: every instance `LISTEN`s and sends what names one of its connections. A step's
 *   messages above 7,900 bytes (NOTIFY's limit is 8,000) go through `call_outbox`, named by id.
 * - Liveness: instances write a heartbeat every 500 ms; the leader counts an instance's sockets
 *   as gone when it stopped (no heartbeat for 4 s, or removed at a clean stop): its kiosks keep
 *   their place for the reconnect grace, its agents count as left.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { CallCore, type CallCoreDeps, type CallEvent, type CallOutput, type CoreSnapshot } from './call-core.js';
import type { PgCallStore, CallWrite } from './pg-call-store.js';
import type { CallQueue } from './queue.js';
import type { CallBackend } from './signalling.js';

/** Class of the leader lock (two-key advisory lock: this class, hash of the schema name). */
const LEADER_LOCK_CLASS = 740_312;
const TICK_MS = 500;
const GONE_AFTER_SECONDS = 4;
/** After a takeover, heartbeats older than this may just be a database that was away. */
const TAKEOVER_GRACE_MS = 5_000;
const NOTIFY_LIMIT = 7_900;
const INBOX_BATCH = 500;

export interface PgClusterOptions {
  readonly url: string;
  readonly schema: string;
  readonly store: PgCallStore;
  readonly core: Omit<CallCoreDeps, 'sink' | 'persistence'>;
  readonly log: (line: string) => void;
  readonly deliver: (o: CallOutput) => void;
}

type Row = Record<string, unknown>;

export class PgCallCluster implements CallBackend {
  readonly instanceId = randomBytes(6).toString('hex');
  private readonly channel: string;
  private core: CallCore;
  private listener: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private epoch: number | null = null;
  private ledSince = 0;
  private outputs: CallOutput[] = [];
  private writes: CallWrite[] = [];
  private dirty = false;
  private wakeDue = false;
  private cycling: Promise<void> | null = null;
  private inboxChain: Promise<void> = Promise.resolve();
  private deliveryChain: Promise<void> = Promise.resolve();
  private ticker: ReturnType<typeof setInterval> | null = null;
  private ticking: Promise<void> | null = null;
  private closed = false;

  private constructor(private readonly options: PgClusterOptions) {
    this.channel = `calls_${options.schema}`.slice(0, 63);
    this.core = this.newCore();
  }

  /** Joins the cluster: listens, says it is alive, and leads at once if nobody does. */
  static async start(options: PgClusterOptions): Promise<PgCallCluster> {
    const cluster = new PgCallCluster(options);
    await cluster.connectListener();
    await cluster.tick();
    cluster.ticker = setInterval(() => void cluster.tick(), TICK_MS);
    return cluster;
  }

  get leading(): boolean {
    return this.epoch !== null;
  }

  queue(): CallQueue {
    return this.core.queue;
  }

  event(e: CallEvent): void {
    if (this.closed) return;
    const text = JSON.stringify(e);
    this.inboxChain = this.inboxChain.then(async () => {
      // The database may be away for a moment (a restart): the event waits, in order.
      for (let attempt = 1; !this.closed || attempt === 1; attempt++) {
        try {
          await this.options.store.pool.query('with i as (insert into call_inbox (event) values ($1) returning id) select pg_notify($2, $3) from i', [text, this.channel, 'inbox']);
          return;
        } catch (err) {
          if (attempt >= 60) {
            this.options.log(`calls: an event from ${this.instanceId} was dropped: ${(err as Error).message}`);
            return;
          }
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    });
  }

  /** Stops deciding and listening; this instance's sockets count as gone at once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ticker) clearInterval(this.ticker);
    // A heartbeat in flight would write this instance's row again after it is removed below.
    await this.ticking;
    await this.cycling?.catch(() => undefined);
    this.core.close();
    this.options.store.divert(null);
    this.epoch = null;
    await this.inboxChain;
    await this.options.store.pool.query('delete from call_instances where id = $1', [this.instanceId]).catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
  }

  // ---- listening and delivering ------------------------------------------------------

  private connectListener(): Promise<void> {
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.options.url, options: `-c search_path=${this.options.schema}` });
      const lost = (): void => {
        if (this.listener !== client) return;
        this.listener = null;
        // The leader lock lived in this session: whoever leads now, it is not this instance.
        this.resign('the listening connection was lost');
      };
      client.on('error', lost);
      client.on('end', lost);
      client.on('notification', (n) => this.onNotification(n.payload ?? ''));
      try {
        await client.connect();
        await client.query(`LISTEN "${this.channel}"`);
        this.listener = client;
      } catch (e) {
        await client.end().catch(() => undefined);
        throw e;
      }
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private onNotification(payload: string): void {
    if (payload === 'inbox') {
      this.wake();
      return;
    }
    this.deliveryChain = this.deliveryChain.then(async () => {
      try {
        let text = payload;
        const head = JSON.parse(payload) as { ref?: number };
        if (typeof head.ref === 'number') {
          const rows = (await this.options.store.pool.query<{ payload: string }>('select payload from call_outbox where id = $1', [head.ref])).rows;
          if (!rows[0]) return;
          text = rows[0].payload;
        }
        const { o } = JSON.parse(text) as { o: CallOutput[] };
        for (const out of o) this.options.deliver(out);
      } catch (e) {
        this.options.log(`calls: a message could not be delivered: ${(e as Error).message}`);
      }
    });
  }

  // ---- heartbeat and leadership ------------------------------------------------------

  private tick(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.ticking ??= this.tickOnce().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async tickOnce(): Promise<void> {
    try {
      if (!this.listener) await this.connectListener();
      if (this.closed) return;
      await this.options.store.pool.query('insert into call_instances (id, seen_at) values ($1, now()) on conflict (id) do update set seen_at = now()', [this.instanceId]);
      if (this.epoch === null) await this.tryLead();
      else {
        await this.options.store.pool.query("delete from call_outbox where at < now() - interval '1 minute'");
        this.wake();
      }
    } catch (e) {
      this.options.log(`calls: ${(e as Error).message}`);
    }
  }

  private async tryLead(): Promise<void> {
    const listener = this.listener;
    if (!listener || this.closed) return;
    const got = (await listener.query<{ ok: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as ok', [LEADER_LOCK_CLASS, this.options.schema])).rows[0]?.ok === true;
    if (!got) return;
    const row = (await this.options.store.pool.query<{ epoch: string; state: string | null }>('update call_state set epoch = epoch + 1, leader = $1 where id = 1 returning epoch, state', [this.instanceId])).rows[0];
    if (!row) throw new Error('call_state has no row');
    const core = this.newCore();
    if (row.state) core.takeOver(JSON.parse(row.state) as CoreSnapshot);
    else core.queue.restore(await this.options.store.loadWaiting());
    this.core.close();
    this.core = core;
    this.outputs = [];
    this.writes = [];
    this.options.store.divert((w) => {
      this.writes.push(w);
      this.dirty = true;
    });
    this.epoch = Number(row.epoch);
    this.ledSince = Date.now();
    this.options.log(`calls: instance ${this.instanceId} decides for the call queue (epoch ${this.epoch})`);
    this.wake();
    await this.cycling;
  }

  private resign(why: string): void {
    if (this.epoch === null) return;
    this.options.log(`calls: instance ${this.instanceId} stops deciding: ${why}`);
    this.epoch = null;
    this.core.close();
    this.core = this.newCore();
    this.options.store.divert(null);
    this.outputs = [];
    this.writes = [];
    // Free the lock if the session still holds it, so that the next leader starts from the database.
    const listener = this.listener;
    this.listener = null;
    void listener?.end().catch(() => undefined);
  }

  // ---- deciding ----------------------------------------------------------------------

  private newCore(): CallCore {
    const core: CallCore = new CallCore({
      ...this.options.core,
      persistence: this.options.store,
      sink: {
        output: (o) => {
          if (this.core !== core) return;
          this.outputs.push(o);
          this.dirty = true;
          this.wake();
        },
        changed: () => {
          if (this.core !== core) return;
          this.dirty = true;
          this.wake();
        },
      },
    });
    return core;
  }

  private wake(): void {
    if (this.epoch === null || this.closed) return;
    this.wakeDue = true;
    this.cycling ??= (async () => {
      try {
        while (this.wakeDue && this.epoch !== null && !this.closed) {
          this.wakeDue = false;
          await this.step();
        }
      } catch (e) {
        this.resign((e as Error).message);
      } finally {
        this.cycling = null;
      }
    })();
  }

  /** One decision step in one transaction (see the file's comment). */
  private async step(): Promise<void> {
    const epoch = this.epoch;
    const client = await this.options.store.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const lead = (await client.query<{ epoch: string }>('select epoch from call_state where id = 1 for update')).rows[0];
      if (!lead || Number(lead.epoch) !== epoch) throw new Error('another instance decides now');
      const events = (await client.query<{ id: string; event: string }>('delete from call_inbox where id in (select id from call_inbox order by id limit $1) returning id, event', [INBOX_BATCH])).rows.sort(
        (a, b) => Number(a.id) - Number(b.id),
      );
      if (events.length === INBOX_BATCH) this.wakeDue = true;
      const seen = new Map(
        (await client.query<Row>(`select id, seen_at > now() - interval '${GONE_AFTER_SECONDS} seconds' as fresh from call_instances`)).rows.map((r) => [String(r['id']), r['fresh'] === true]),
      );
      if (this.epoch !== epoch) throw new Error('resigned');
      for (const row of events) this.core.apply(JSON.parse(row.event) as CallEvent);
      const settled = Date.now() - this.ledSince > TAKEOVER_GRACE_MS;
      for (const instance of this.core.instances()) {
        if (instance === this.instanceId) continue;
        const fresh = seen.get(instance);
        if (fresh === undefined || (!fresh && settled)) this.core.apply({ k: 'instance-gone', instance });
      }
      this.core.flushBroadcast();
      if (events.length === 0 && !this.dirty) {
        await client.query('ROLLBACK');
        return;
      }
      this.dirty = false;
      const outputs = this.outputs.splice(0);
      const writes = this.writes.splice(0);
      const state = JSON.stringify(this.core.snapshot());
      for (const w of writes) await client.query(w.sql, w.params as (string | number | null)[]);
      await client.query('update call_state set state = $1 where id = 1', [state]);
      if (outputs.length > 0) {
        let payload = JSON.stringify({ o: outputs });
        if (Buffer.byteLength(payload) > NOTIFY_LIMIT) {
          const id = (await client.query<{ id: string }>('insert into call_outbox (payload) values ($1) returning id', [payload])).rows[0]!.id;
          payload = JSON.stringify({ ref: Number(id) });
        }
        await client.query('select pg_notify($1, $2)', [this.channel, payload]);
      }
      await client.query('COMMIT');
    } catch (e) {
      broken = true;
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release(broken || undefined);
    }
  }
}
