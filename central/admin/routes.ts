/**
 * The management routes behind the administration page (`/admin/`): kiosks (register with a
 * token shown once, rotate it, revoke it), technicians (enrol by public key, refusing an id
 * already enrolled), blocked cards (add, refusing a card already blocked), stations by name.
 *
 * Each route asks the guard for the person (session cookie with CSRF token and Origin, or a
 * personal API token) and the capability of central/accounts/roles.ts; each change is audited
 * with the person, and a bad input is refused with a 4xx before anything is stored.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { maskCardNumber } from '../../shared/card.js';
import { FORBIDDEN_LINE_CLASS } from '../../shared/text-rules.js';
import type { Guard } from '../accounts/guard.js';
import { STATION_ID_PATTERN } from '../accounts/service.js';
import { hashToken } from '../api/auth.js';
import { ApiFailure } from '../api/errors.js';
import { CARD_NUMBER_PATTERN, KIOSK_ID_PATTERN, TECHNICIAN_ID_PATTERN } from '../api/schemas.js';
import type { CentralStorage, KioskRecord } from '../storage/types.js';
import { technicianCredential, TechnicianKeyError } from '../technicians/routes.js';
import type { KioskDetails, Station, Words } from './store.js';

export interface AdminRoutesOptions {
  readonly storage: CentralStorage;
  readonly guard: Guard;
  readonly now: () => Date;
}

const line = (maxLength: number, minLength = 1) => ({ type: 'string', minLength, maxLength, pattern: `^[^${FORBIDDEN_LINE_CLASS}]*$` }) as const;
const words = (maxLength: number) => ({ type: 'object', required: ['zh', 'en'], additionalProperties: false, properties: { zh: line(maxLength), en: line(maxLength) } }) as const;
const KIOSK_PARAMS = { type: 'object', required: ['kioskId'], additionalProperties: false, properties: { kioskId: { type: 'string', pattern: KIOSK_ID_PATTERN } } } as const;
const STATION_PARAMS = { type: 'object', required: ['stationId'], additionalProperties: false, properties: { stationId: { type: 'string', pattern: STATION_ID_PATTERN } } } as const;
/** Most lines one station lists. */
export const MAX_STATION_LINES = 12;

/** A kiosk as the administration page lists it. */
export interface KioskView {
  readonly id: string;
  readonly stationId: string | null;
  /** The station's names from the station list; null when the station is not named there. */
  readonly station: Pick<Station, 'name' | 'lines'> | null;
  readonly location: string;
  readonly ticketCode: string | null;
  readonly createdAt: string;
  /** When central last heard from the kiosk (its latest heartbeat); null: never. */
  readonly lastContactAt: string | null;
  readonly revokedAt: string | null;
}

/** A new kiosk token: 32 random bytes, base64url (43 characters), shown to the administrator once. */
const newToken = (): string => randomBytes(32).toString('base64url');

function trimmed(w: Words): Words {
  return { zh: w.zh.trim(), en: w.en.trim() };
}

export function registerAdminRoutes(app: FastifyInstance, o: AdminRoutesOptions): void {
  const { storage, guard, now } = o;
  const at = (): string => now().toISOString();

  const kioskViews = async (): Promise<KioskView[]> => {
    const [kiosks, details, stations, heartbeats] = await Promise.all([storage.listKiosks(), storage.admin.listKioskDetails(), storage.admin.listStations(), storage.listHeartbeats()]);
    const detailsOf = new Map<string, KioskDetails>(details.map((d) => [d.kioskId, d]));
    const stationOf = new Map<string, Station>(stations.map((s) => [s.id, s]));
    const contactOf = new Map<string, string>(heartbeats.map((h) => [h.kioskId, h.receivedAt]));
    return kiosks.map((k) => {
      const s = k.stationId !== null ? stationOf.get(k.stationId) : undefined;
      const d = detailsOf.get(k.id);
      return {
        id: k.id,
        stationId: k.stationId,
        station: s ? { name: s.name, lines: s.lines } : null,
        location: d?.location ?? '',
        ticketCode: k.ticketCode ?? null,
        createdAt: k.createdAt,
        lastContactAt: contactOf.get(k.id) ?? null,
        revokedAt: d?.revokedAt ?? null,
      };
    });
  };

  const existingKiosk = async (kioskId: string): Promise<KioskRecord> => {
    const k = await storage.getKiosk(kioskId);
    if (!k) throw new ApiFailure(404, 'no-such-kiosk', 'there is no kiosk of that name');
    return k;
  };

  const knownStation = async (stationId: string): Promise<Station> => {
    const s = (await storage.admin.listStations()).find((x) => x.id === stationId);
    if (!s) throw new ApiFailure(400, 'unknown-station', 'that station is not in the station list; add it under Stations first');
    return s;
  };

  // ---- kiosks -----------------------------------------------------------------------------

  app.get('/v1/admin/kiosks', async (request) => {
    await guard.requireStaff(request, 'manage-kiosks');
    return { kiosks: await kioskViews(), stations: await storage.admin.listStations() };
  });

  app.post(
    '/v1/admin/kiosks',
    {
      schema: {
        body: {
          type: 'object',
          required: ['id', 'stationId', 'location'],
          additionalProperties: false,
          properties: { id: { type: 'string', pattern: KIOSK_ID_PATTERN }, stationId: { type: 'string', pattern: STATION_ID_PATTERN }, location: line(100), ticketCode: { type: 'string', pattern: '^[A-Z0-9]{2,8}$' } },
        },
      },
    },
    async (request, reply) => {
      await guard.requireStaff(request, 'manage-kiosks');
      const body = request.body as { id: string; stationId: string; location: string; ticketCode?: string };
      const location = body.location.trim();
      if (location === '') throw new ApiFailure(400, 'invalid-request', 'say where in the station the kiosk stands');
      await knownStation(body.stationId);
      if (await storage.getKiosk(body.id)) throw new ApiFailure(409, 'kiosk-exists', 'a kiosk of that name is registered already; rotate its token instead');
      const ticketCode = body.ticketCode ?? (/^[A-Z0-9]{2,8}$/.test(body.id) ? body.id : null);
      if (ticketCode !== null && (await storage.listKiosks()).some((k) => k.ticketCode === ticketCode)) throw new ApiFailure(409, 'ticket-code-in-use', 'another kiosk has that ticket code; choose another');
      const token = newToken();
      const createdAt = at();
      await storage.upsertKiosk({ id: body.id, stationId: body.stationId, tokenHash: hashToken(token), createdAt, ticketCode });
      await storage.admin.putKioskDetails(body.id, { location, revokedAt: null }, createdAt);
      await guard.audit(request, 'kiosk-register', body.id, `station ${body.stationId}`);
      const kiosk = (await kioskViews()).find((k) => k.id === body.id);
      return reply.code(201).send({ kiosk, token });
    },
  );

  app.post('/v1/admin/kiosks/:kioskId/rotate-token', { schema: { params: KIOSK_PARAMS } }, async (request) => {
    await guard.requireStaff(request, 'manage-kiosks');
    const { kioskId } = request.params as { kioskId: string };
    const k = await existingKiosk(kioskId);
    const token = newToken();
    await storage.upsertKiosk({ ...k, tokenHash: hashToken(token) });
    await storage.admin.putKioskDetails(kioskId, { revokedAt: null }, at());
    await guard.audit(request, 'kiosk-rotate-token', kioskId, null);
    return { kiosk: (await kioskViews()).find((x) => x.id === kioskId), token };
  });

  app.post('/v1/admin/kiosks/:kioskId/revoke', { schema: { params: KIOSK_PARAMS } }, async (request) => {
    await guard.requireStaff(request, 'manage-kiosks');
    const { kioskId } = request.params as { kioskId: string };
    const k = await existingKiosk(kioskId);
    // The hash of 32 random bytes nobody holds (as `central kiosk revoke`): no token opens the kiosk until a rotation.
    await storage.upsertKiosk({ ...k, tokenHash: randomBytes(32).toString('hex') });
    const revokedAt = at();
    await storage.admin.putKioskDetails(kioskId, { revokedAt }, revokedAt);
    await guard.audit(request, 'kiosk-revoke', kioskId, null);
    return { kiosk: (await kioskViews()).find((x) => x.id === kioskId) };
  });

  // ---- technicians ------------------------------------------------------------------------

  app.post(
    '/v1/admin/technicians',
    {
      schema: {
        body: {
          type: 'object',
          required: ['technicianId', 'name', 'publicKeyPem'],
          additionalProperties: false,
          properties: { technicianId: { type: 'string', pattern: TECHNICIAN_ID_PATTERN }, name: line(100), publicKeyPem: { type: 'string', minLength: 1, maxLength: 4096 } },
        },
      },
    },
    async (request, reply) => {
      await guard.requireStaff(request, 'manage-technicians');
      const body = request.body as { technicianId: string; name: string; publicKeyPem: string };
      const name = body.name.trim();
      if (name === '') throw new ApiFailure(400, 'invalid-request', 'give the technician’s name');
      if ((await storage.listTechnicians()).some((t) => t.technicianId === body.technicianId)) {
        throw new ApiFailure(409, 'technician-exists', 'a technician with that staff number is enrolled already (a revoked one too); choose another');
      }
      let enrolled: ReturnType<typeof technicianCredential>;
      try {
        enrolled = technicianCredential(body.technicianId, { name, publicKeyPem: body.publicKeyPem }, at());
      } catch (e) {
        if (e instanceof TechnicianKeyError) throw new ApiFailure(400, 'invalid-public-key', e.message);
        throw e;
      }
      await storage.putTechnician(enrolled.credential, enrolled.keyId);
      await guard.audit(request, 'technician-enrol', body.technicianId, name);
      return reply.code(201).send({ technicianId: body.technicianId, name, keyId: enrolled.keyId, revokedAt: null, updatedAt: enrolled.credential.updatedAt });
    },
  );

  // ---- blocked cards ------------------------------------------------------------------------

  app.post(
    '/v1/admin/blocklist',
    {
      schema: {
        body: { type: 'object', required: ['cardNumber', 'reason'], additionalProperties: false, properties: { cardNumber: { type: 'string', pattern: CARD_NUMBER_PATTERN }, reason: line(200) } },
      },
    },
    async (request, reply) => {
      await guard.requireStaff(request, 'manage-blocklist');
      const body = request.body as { cardNumber: string; reason: string };
      const reason = body.reason.trim();
      if (reason === '') throw new ApiFailure(400, 'invalid-request', 'give the reason the card is blocked');
      if ((await storage.listBlocklist()).some((e) => e.cardNumber === body.cardNumber)) throw new ApiFailure(409, 'already-blocked', 'that card is blocked already');
      await storage.putBlocklist({ cardNumber: body.cardNumber, reason }, at());
      await guard.audit(request, 'blocklist-add', maskCardNumber(body.cardNumber), reason);
      return reply.code(201).send({ cardNumber: maskCardNumber(body.cardNumber), reason });
    },
  );

  // ---- stations -----------------------------------------------------------------------------

  // Every person may read the station names (pages show them instead of station ids).
  app.get('/v1/staff/stations', async (request) => {
    await guard.requireStaff(request);
    return { stations: await storage.admin.listStations() };
  });

  app.put(
    '/v1/admin/stations/:stationId',
    {
      schema: {
        params: STATION_PARAMS,
        body: { type: 'object', required: ['name', 'lines'], additionalProperties: false, properties: { name: words(60), lines: { type: 'array', maxItems: MAX_STATION_LINES, items: words(30) } } },
      },
    },
    async (request) => {
      await guard.requireStaff(request, 'manage-stations');
      const { stationId } = request.params as { stationId: string };
      const body = request.body as { name: Words; lines: Words[] };
      const name = trimmed(body.name);
      const lines = body.lines.map(trimmed);
      if (name.zh === '' || name.en === '' || lines.some((l) => l.zh === '' || l.en === '')) throw new ApiFailure(400, 'invalid-request', 'a station and each of its lines need a name in Chinese and in English');
      const station: Station = { id: stationId, name, lines, updatedAt: at() };
      await storage.admin.putStation(station);
      await guard.audit(request, 'station-put', stationId, `${name.zh} ${name.en}`);
      return { station };
    },
  );
}
