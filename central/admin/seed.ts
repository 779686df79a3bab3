/** The demo's named station (`serve --demo`): the demo kiosk's and the demo station staff's. */
import { DEMO_STATION_ID } from '../accounts/seed.js';
import type { CentralStorage } from '../storage/types.js';
import type { Station } from './store.js';

export const DEMO_STATION: Omit<Station, 'updatedAt'> = {
  id: DEMO_STATION_ID,
  name: { zh: '体育西路站', en: 'Tiyu Xilu Station' },
  lines: [
    { zh: '1号线', en: 'Line 1' },
    { zh: '3号线', en: 'Line 3' },
  ],
};

/** Names the demo station when central names none yet; true when it did. */
export async function seedDemoStationNames(storage: CentralStorage, now: Date): Promise<boolean> {
  if ((await storage.admin.listStations()).length > 0) return false;
  await storage.admin.putStation({ ...DEMO_STATION, updatedAt: now.toISOString() });
  return true;
}
