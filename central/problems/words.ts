/**
 * What a problem says to staff, in both languages: what repeats and where. Faults and devices
 * are named in words (a fault this table does not know reads "a fault", never its code); a
 * station by its names from the stations table, or by its id when that table does not have it.
 */
import type { TicketCategory } from '../../shared/ticket.js';
import { DEVICE_WORDS, TICKET_CATEGORY_WORDS, fillWords, type Words } from '../../shared/words.js';

/** Devices the fault monitor names beyond the devices table (shared/words.ts). */
const MORE_DEVICE_WORDS: Readonly<Record<string, Words>> = {
  sync: { zh: '数据上传', en: 'Uploads to central' },
  clock: { zh: '时钟', en: 'Clock' },
};

/** Faults as the kiosk's fault monitor and drivers name them. */
export const FAULT_WORDS: Readonly<Record<string, Words>> = {
  absent: { zh: '未连接', en: 'not connected' },
  disconnected: { zh: '连接断开', en: 'disconnected' },
  'not-found': { zh: '找不到设备', en: 'not found' },
  'open-failed': { zh: '无法打开', en: 'could not be opened' },
  'no-reader': { zh: '没有读卡器', en: 'no card reader connected' },
  'pcscd-down': { zh: '读卡服务停止', en: 'card reader service down' },
  'door-open': { zh: '维护以外柜门被打开', en: 'door opened outside maintenance' },
  'on-battery': { zh: '断电，靠电池运行', en: 'mains power lost, on battery' },
  'over-temperature': { zh: '温度过高', en: 'too hot' },
  'paper-out': { zh: '缺纸', en: 'out of paper' },
  'disk-full': { zh: '空间已满', en: 'full' },
  stuck: { zh: '长时间上传不出去', en: 'stuck, items not sent for long' },
  offset: { zh: '与中心时间相差过大', en: 'far off central’s time' },
  fault: { zh: '故障', en: 'fault' },
};

const A_FAULT: Words = { zh: '故障', en: 'a fault' };
const A_DEVICE: Words = { zh: '设备', en: 'A device' };

export const deviceName = (device: string): Words => DEVICE_WORDS[device] ?? MORE_DEVICE_WORDS[device] ?? A_DEVICE;
export const faultName = (fault: string): Words => FAULT_WORDS[fault] ?? A_FAULT;

/** `60` → 1 小时 / 1 hour; `90` → 90 分钟 / 90 minutes; `1440` → 24 小时 / 24 hours. */
export function windowWords(minutes: number): Words {
  if (minutes % 60 === 0) {
    const h = minutes / 60;
    return { zh: `${h} 小时`, en: h === 1 ? '1 hour' : `${h} hours` };
  }
  return { zh: `${minutes} 分钟`, en: minutes === 1 ? '1 minute' : `${minutes} minutes` };
}

const KIOSK_FAULT: Words = {
  zh: '终端 {0}（{1}）的{2}反复出现“{3}”：{4}内 {5} 次以上',
  en: '{2} at kiosk {0} ({1}) keeps failing — {3}: {5} or more times within {4}',
};
const STATION_CATEGORY: Words = {
  zh: '{0}的“{1}”工单集中出现：{2}内 {3} 张以上',
  en: 'Many “{1}” reports at {0}: {3} or more within {2}',
};

/** A station as a title names it: `体育西路站` / `Tiyu Xilu station` from its names, `车站 GZ-X` / `station GZ-X` from its id alone. */
export function stationWords(id: string, name: Words | null): Words {
  if (name === null) return { zh: `车站 ${id}`, en: `station ${id}` };
  return { zh: name.zh.endsWith('站') ? name.zh : `${name.zh}站`, en: /\bstation$/i.test(name.en) ? name.en : `${name.en} station` };
}

/** The title of a problem about one kiosk's fault. */
export function kioskFaultTitle(p: { kioskId: string; station: Words | null; device: string; fault: string; threshold: number; windowMinutes: number }): Words {
  const device = deviceName(p.device);
  const fault = faultName(p.fault);
  const window = windowWords(p.windowMinutes);
  const station = p.station ?? { zh: '车站未知', en: 'station unknown' };
  return {
    zh: fillWords(KIOSK_FAULT.zh, p.kioskId, station.zh, device.zh, fault.zh, window.zh, p.threshold),
    en: fillWords(KIOSK_FAULT.en, p.kioskId, station.en, device.en, fault.en, window.en, p.threshold),
  };
}

/** The title of a problem about one category of tickets at one station. */
export function stationCategoryTitle(p: { station: Words; category: TicketCategory; threshold: number; windowMinutes: number }): Words {
  const category = TICKET_CATEGORY_WORDS[p.category];
  const window = windowWords(p.windowMinutes);
  return {
    zh: fillWords(STATION_CATEGORY.zh, p.station.zh, category.zh, window.zh, p.threshold),
    en: fillWords(STATION_CATEGORY.en, p.station.en, category.en, window.en, p.threshold),
  };
}
