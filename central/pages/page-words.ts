/**
 * What central's staff page and agent console share beyond the word tables: Beijing time,
 * the people-facing names of staff-side activity and call outcomes, and the fleet's figures
 * in words. The words themselves are zh/en pairs as in shared/words.ts.
 */
import type { FallbackReason } from '../../shared/call-protocol.js';
import { bothLanguages, deviceStateWords, deviceWords, type Words } from '../../shared/words.js';
import type { TicketActivityKind } from '../storage/types.js';

/** Beijing time to the minute (`—` for none): the one helper of shared/shanghai-date.ts. */
import { beijingTime } from '../../shared/shanghai-date.js';
export { beijingTime };

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

/** The silent-kiosk alert's heading. */
export const SILENT_ALERT_WORDS: Words = { zh: '终端失联', en: 'Kiosk silent' };

/**
 * One silent kiosk as station staff read it: its station's name, where it stands, and since when
 * central has not heard from it (Beijing time). Only when nobody recorded where it stands does the
 * terminal's number (the label on the machine) name it, so staff can still find it.
 */
export function silentKioskWords(kiosk: { readonly kioskId: string; readonly stationName: Words | null; readonly kioskLocation: string | null; readonly lastContactAt: string | null }, now: number): Words {
  const station: Words = kiosk.stationName ?? { zh: '未命名的车站', en: 'A station not yet named' };
  const place: Words = kiosk.kioskLocation
    ? { zh: kiosk.kioskLocation, en: kiosk.kioskLocation }
    : { zh: `位置未登记（终端编号 ${kiosk.kioskId}）`, en: `place not recorded (terminal number ${kiosk.kioskId})` };
  const ago = agoWords(kiosk.lastContactAt, now);
  const since: Words =
    kiosk.lastContactAt === null
      ? { zh: '从未与中心联系', en: 'never heard from' }
      : { zh: `自北京时间 ${beijingTime(kiosk.lastContactAt)} 起无联系（${ago.zh}）`, en: `silent since ${beijingTime(kiosk.lastContactAt)} Beijing time (${ago.en})` };
  return { zh: `${station.zh} · ${place.zh} · ${since.zh}`, en: `${station.en} · ${place.en} · ${since.en}` };
}

/** A device and its state in words: `凭条打印机 Receipt printer: 故障 Fault`. */
export function deviceFaultText(device: string, state: string): string {
  return `${bothLanguages(deviceWords(device))}: ${bothLanguages(deviceStateWords(state))}`;
}

/** The agent console's own words; `{0}` placeholders as in shared/words.ts. */
export const CONSOLE_WORDS = {
  title: { zh: '客服坐席', en: 'Agent console' },
  connecting: { zh: '正在连接…', en: 'Connecting…' },
  reconnect: { zh: '重新连接', en: 'Connect again' },
  logInAsYourself: { zh: '用您的账户登录', en: 'Log in with your account' },
  disconnected: { zh: '与中心的连接已断开。', en: 'The console lost its connection to central.' },
  sessionEnded: { zh: '您的登录已结束，请重新登录。', en: 'Your session has ended; please log in again.' },
  mayNotAnswer: { zh: '您的账户角色不能接听视频呼叫。', en: 'Your account’s role may not answer calls.' },
  login: { zh: '登录', en: 'Log in' },
  available: { zh: '空闲', en: 'Available' },
  onBreak: { zh: '休息', en: 'On break' },
  logOut: { zh: '下线（不接来电）', en: 'Go offline (no calls)' },
  queue: { zh: '排队', en: 'Queue' },
  agents: { zh: '坐席', en: 'Agents' },
  lane: { zh: '类型', en: 'Lane' },
  station: { zh: '车站', en: 'Station' },
  kiosk: { zh: '终端', en: 'Kiosk' },
  waiting: { zh: '已等待', en: 'Waiting' },
  state: { zh: '状态', en: 'State' },
  incoming: { zh: '来电', en: 'Incoming call' },
  emergencyCall: { zh: '紧急呼叫', en: 'EMERGENCY call' },
  answer: { zh: '接听', en: 'Answer' },
  inCall: { zh: '通话中', en: 'In call' },
  language: { zh: '乘客语言', en: "Passenger's language" },
  card: { zh: '交通卡', en: 'Card' },
  noCard: { zh: '未读卡', en: 'No card read' },
  balance: { zh: '余额', en: 'Balance' },
  validUntil: { zh: '有效期至', en: 'Valid until' },
  validity: { zh: '有效性', en: 'Validity' },
  valid: { zh: '有效', en: 'Valid' },
  expired: { zh: '已过期', en: 'Expired' },
  unknown: { zh: '不详', en: 'Not known' },
  diagnosis: { zh: '诊断', en: 'Diagnosis' },
  openTickets: { zh: '未结工单', en: 'Open tickets' },
  none: { zh: '无', en: 'None' },
  kioskHealth: { zh: '终端设备', en: 'Kiosk devices' },
  recentTrips: { zh: '最近行程', en: 'Recent trips' },
  noTrips: { zh: '卡上没有行程记录', en: 'No trips on the card' },
  actions: { zh: '在终端上的操作（留痕）', en: 'Actions on the kiosk (audited)' },
  faq: { zh: '常见问题', en: 'Help article' },
  showFaq: { zh: '在终端显示', en: 'Show at the kiosk' },
  category: { zh: '类别', en: 'Category' },
  description: { zh: '描述', en: 'Description' },
  createAtKiosk: { zh: '在终端创建工单（乘客确认）', en: 'Create a ticket at the kiosk (the passenger confirms)' },
  endCall: { zh: '结束通话（终端）', en: 'End call (kiosk action)' },
  hangUp: { zh: '挂断', en: 'Hang up' },
  ticket: { zh: '工单', en: 'Ticket' },
  ticketsOfCall: { zh: '本次来电的工单', en: 'Tickets of this call' },
  reply: { zh: '回复乘客（终端和工单页可见）', en: 'Reply to the passenger (shown at the kiosk and on the ticket page)' },
  note: { zh: '内部备注（乘客看不到）', en: 'Internal note (the passenger never sees it)' },
  setStatus: { zh: '同时改状态', en: 'And set status' },
  unchanged: { zh: '不变', en: 'Unchanged' },
  save: { zh: '保存', en: 'Save' },
  saved: { zh: '已保存', en: 'Saved' },
  workList: { zh: '待办：未接来电与回电', en: 'To do: missed calls and callbacks' },
  missedCalls: { zh: '未接来电', en: 'Missed calls' },
  callbacks: { zh: '回电请求', en: 'Callback requests' },
  markDone: { zh: '已回电', en: 'Called back' },
  doneBy: { zh: '{0} 于 {1} 处理', en: 'Done by {0} at {1}' },
  nothingToDo: { zh: '没有待办', en: 'Nothing to do' },
  refresh: { zh: '刷新', en: 'Refresh' },
  mediaWaiting: { zh: '等待终端画面…', en: 'Waiting for the kiosk page…' },
  mediaState: { zh: '画面：{0}', en: 'Media: {0}' },
  callEnded: { zh: '通话结束：{0}', en: 'Call ended: {0}' },
  missedOne: { zh: '漏接了一个来电', en: 'missed a call' },
  performed: { zh: '已执行', en: 'performed' },
  refused: { zh: '被拒绝', en: 'refused' },
  beijing: { zh: '北京时间', en: 'Beijing time' },
} as const satisfies Record<string, Words>;

export type ConsoleWord = keyof typeof CONSOLE_WORDS;

export const PRESENCE_WORDS: Readonly<Record<string, Words>> = {
  available: { zh: '空闲', en: 'available' },
  'on-break': { zh: '休息', en: 'on break' },
  'logged-out': { zh: '离线', en: 'offline' },
  busy: { zh: '通话中', en: 'busy' },
  ringing: { zh: '振铃', en: 'ringing' },
  'wrap-up': { zh: '整理中', en: 'wrapping up' },
};

/** What a call in the queue is doing (`QueueView.state`). */
export const QUEUE_STATE_WORDS: Readonly<Record<string, Words>> = {
  waiting: { zh: '等待中', en: 'waiting' },
  ringing: { zh: '振铃', en: 'ringing' },
  connected: { zh: '通话中', en: 'in a call' },
  detached: { zh: '终端暂时断线', en: 'kiosk briefly offline' },
};

export const END_REASON_WORDS: Readonly<Record<string, Words>> = {
  'hung-up': { zh: '已挂断', en: 'hung up' },
  cancelled: { zh: '乘客取消', en: 'cancelled by the passenger' },
  'agent-lost': { zh: '坐席断线', en: 'agent connection lost' },
  'kiosk-lost': { zh: '终端断线', en: 'kiosk connection lost' },
  'media-failed': { zh: '画面连接失败', en: 'the video connection failed' },
  'end-call-action': { zh: '从终端结束', en: 'ended at the kiosk' },
  'console disconnected': { zh: '坐席页面断开', en: 'console disconnected' },
};

export const LANE_WORDS: Readonly<Record<string, Words>> = {
  information: { zh: '咨询', en: 'Information' },
  emergency: { zh: '紧急', en: 'Emergency' },
};

export const deviceWordsOf = (device: string): Words => deviceWords(device);
export const deviceStateOf = (state: string): Words => deviceStateWords(state);
