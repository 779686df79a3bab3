/**
 * What central's staff page and agent console share beyond the word tables: Beijing time,
 * the people-facing names of staff-side activity and call outcomes, and the fleet's figures
 * in words. The words themselves are zh/en pairs as in shared/words.ts.
 */
import type { FallbackReason } from '../../shared/call-protocol.js';
import { SHANGHAI_OFFSET_MS } from '../../shared/shanghai-date.js';
import type { Words } from '../../shared/words.js';
import type { TicketActivityKind } from '../storage/types.js';

/** `2026-12-01 12:30` in Beijing time (UTC+8 all year), whatever the browser's own zone. */
export function beijingTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  if (Number.isNaN(ms)) return '—';
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

export const ACTIVITY_WORDS: Readonly<Record<TicketActivityKind, Words>> = {
  note: { zh: '内部备注', en: 'Internal note' },
  assign: { zh: '指派给', en: 'Assigned to' },
  priority: { zh: '优先级改为', en: 'Priority set to' },
  reopen: { zh: '重新打开，原因', en: 'Reopened, because' },
};

export const NOBODY_WORDS: Words = { zh: '无人', en: 'Nobody' };

/** Why a call was missed, as an agent reads it. */
export const MISSED_REASON_WORDS: Readonly<Record<FallbackReason, Words>> = {
  offline: { zh: '客服中心连不上', en: 'Central could not be reached' },
  'no-agent': { zh: '无客服在线', en: 'No agent on duty' },
  'max-wait': { zh: '等待过久', en: 'Waited too long' },
  'ring-timeout': { zh: '无人接听', en: 'Nobody answered' },
  'connection-failed': { zh: '连接失败', en: 'Connection failed' },
  expired: { zh: '通话已失效', en: 'Call expired' },
};

export const missedReasonWords = (reason: string): Words => MISSED_REASON_WORDS[reason as FallbackReason] ?? { zh: '未接通', en: 'Not connected' };

/** A clock offset as a person reads it: `快 1.2 秒 1.2 s ahead`. */
export function clockOffsetWords(ms: number | null): Words {
  if (ms === null) return { zh: '尚未同步', en: 'Not synced yet' };
  const s = (Math.abs(ms) / 1000).toFixed(1);
  if (Math.abs(ms) < 1000) return { zh: '准确', en: 'On time' };
  // clockOffsetMs is central's clock minus the kiosk's: positive means the kiosk is behind.
  return ms > 0 ? { zh: `慢 ${s} 秒`, en: `${s} s behind` } : { zh: `快 ${s} 秒`, en: `${s} s ahead` };
}

/** How long ago, in minutes or hours: `12 分钟前 12 min ago`. */
export function agoWords(iso: string | null, now: number): Words {
  if (iso === null) return { zh: '从未联系', en: 'Never heard from' };
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (minutes < 1) return { zh: '刚刚', en: 'Just now' };
  if (minutes < 120) return { zh: `${minutes} 分钟前`, en: `${minutes} min ago` };
  return { zh: `${Math.round(minutes / 60)} 小时前`, en: `${Math.round(minutes / 60)} h ago` };
}

const DEVICES: Readonly<Record<string, Words>> = {
  'card-reader': { zh: '读卡器', en: 'Card reader' },
  printer: { zh: '凭条打印机', en: 'Receipt printer' },
  cabinet: { zh: '机柜', en: 'Cabinet' },
  'qr-scanner': { zh: '扫码器', en: 'QR scanner' },
  'help-buttons': { zh: '求助按钮', en: 'Help buttons' },
  storage: { zh: '存储空间', en: 'Storage' },
};
const STATES: Readonly<Record<string, Words>> = {
  ok: { zh: '正常', en: 'Working' },
  degraded: { zh: '需要注意', en: 'Needs attention' },
  fault: { zh: '故障', en: 'Fault' },
  absent: { zh: '未连接', en: 'Not connected' },
};

/** A device and its state in words: `凭条打印机 Receipt printer: 故障 Fault`. */
export function deviceFaultText(device: string, state: string): string {
  const d = DEVICES[device] ?? { zh: '其他设备', en: 'Other device' };
  const s = STATES[state] ?? { zh: '异常', en: 'Not working' };
  return `${d.zh} ${d.en}: ${s.zh} ${s.en}`;
}
