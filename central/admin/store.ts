/**
 * What administrators keep at central beside the sync tables: the network's stations as people
 * name them, and each kiosk's place in its station and revocation. Both engines, through the
 * same SqlDatabase port as the rest of central's storage.
 */
import type { Row, SqlDatabase } from '../storage/sql-database.js';

export interface Words {
  readonly zh: string;
  readonly en: string;
}

/** A station as people read it: its names and the lines that call there. */
export interface Station {
  /** What kiosks, tickets and station-staff accounts carry (`GZ-TIYUXILU`). */
  readonly id: string;
  readonly name: Words;
  readonly lines: readonly Words[];
  readonly updatedAt: string;
}

export interface KioskDetails {
  readonly kioskId: string;
  /** Where in the station the kiosk stands, in the administrator's words (`B 出口旁 · by exit B`). */
  readonly location: string;
  /** When its token was revoked from the administration page; null while a token opens it. */
  readonly revokedAt: string | null;
  readonly updatedAt: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));

function parseLines(v: unknown): Words[] {
  try {
    const parsed: unknown = JSON.parse(str(v));
    return Array.isArray(parsed) ? parsed.filter((l): l is Words => typeof l === 'object' && l !== null && typeof (l as Words).zh === 'string' && typeof (l as Words).en === 'string') : [];
  } catch {
    return [];
  }
}

const toStation = (r: Row): Station => ({ id: str(r['id']), name: { zh: str(r['name_zh']), en: str(r['name_en']) }, lines: parseLines(r['lines']), updatedAt: str(r['updated_at']) });
const toDetails = (r: Row): KioskDetails => ({ kioskId: str(r['kiosk_id']), location: str(r['location']), revokedAt: r['revoked_at'] === null || r['revoked_at'] === undefined ? null : str(r['revoked_at']), updatedAt: str(r['updated_at']) });

export class AdminStore {
  constructor(private readonly db: SqlDatabase) {}

  async listStations(): Promise<Station[]> {
    return (await this.db.read((q) => q.all('SELECT id, name_zh, name_en, lines, updated_at FROM stations ORDER BY id'))).map(toStation);
  }

  /** Adds the station or replaces its names and lines. */
  async putStation(s: Station): Promise<void> {
    await this.db.transaction((q) =>
      q.run('INSERT INTO stations (id, name_zh, name_en, lines, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET name_zh = $2, name_en = $3, lines = $4, updated_at = $5', [
        s.id,
        s.name.zh,
        s.name.en,
        JSON.stringify(s.lines),
        s.updatedAt,
      ]),
    );
  }

  async listKioskDetails(): Promise<KioskDetails[]> {
    return (await this.db.read((q) => q.all('SELECT kiosk_id, location, revoked_at, updated_at FROM kiosk_details ORDER BY kiosk_id'))).map(toDetails);
  }

  /** Sets what is given (location, revocation) and keeps the rest. */
  async putKioskDetails(kioskId: string, change: { readonly location?: string; readonly revokedAt?: string | null }, at: string): Promise<void> {
    await this.db.transaction(async (q) => {
      await q.run('INSERT INTO kiosk_details (kiosk_id, location, revoked_at, updated_at) VALUES ($1, $2, NULL, $3) ON CONFLICT (kiosk_id) DO NOTHING', [kioskId, change.location ?? '', at]);
      if (change.location !== undefined) await q.run('UPDATE kiosk_details SET location = $2, updated_at = $3 WHERE kiosk_id = $1', [kioskId, change.location, at]);
      if (change.revokedAt !== undefined) await q.run('UPDATE kiosk_details SET revoked_at = $2, updated_at = $3 WHERE kiosk_id = $1', [kioskId, change.revokedAt, at]);
    });
  }
}
