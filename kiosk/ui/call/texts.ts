import type { CallEndReason, FallbackReason } from '../../../shared/call-protocol.js';
import type { Language } from '../../../shared/ui-protocol.js';
import { EMERGENCY_WORDS, KIOSK_SHARED_WORDS, fillWords, wordsIn, type Words } from '../../../shared/words.js';

const INTERRUPTED: Words = { zh: '通话已中断。', en: 'The call was interrupted.' };
const VIDEO_FAILED: Words = { zh: '视频连接失败。', en: 'The video connection failed.' };

const fallback: Readonly<Record<FallbackReason, Words>> = {
  offline: { zh: '暂时无法连接客服中心。', en: 'The service centre cannot be reached right now.' },
  'no-agent': { zh: '现在没有客服人员值班。', en: 'No agent is on duty right now.' },
  'max-wait': { zh: '很抱歉，等待时间太长。', en: 'Sorry, the wait is too long.' },
  'ring-timeout': { zh: '客服人员暂时无法接听。', en: 'No agent could answer.' },
  'connection-failed': VIDEO_FAILED,
  expired: INTERRUPTED,
};

const CALL_END_WORDS: Readonly<Record<CallEndReason, Words>> = {
  'hung-up': { zh: '通话已结束。', en: 'The call has ended.' },
  cancelled: { zh: '已取消。', en: 'Cancelled.' },
  'agent-lost': INTERRUPTED,
  'kiosk-lost': INTERRUPTED,
  'media-failed': VIDEO_FAILED,
  'end-call-action': { zh: '客服人员已结束通话。', en: 'The agent ended the call.' },
};

/**
 * The video call screen's words, one entry per key with both languages; the call fallback
 * screen takes its words from here too. Words other kiosk screens say as well come from
 * shared/words.ts (`KIOSK_SHARED_WORDS`, the emergency title).
 */
export const CALL_WORDS = {
  ...KIOSK_SHARED_WORDS,
  title: { zh: '视频客服', en: 'Video help' },
  emergencyTitle: EMERGENCY_WORDS.title,
  connecting: { zh: '正在连接客服中心…', en: 'Connecting to the service centre…' },
  queued: { zh: '您前面还有 {0} 位', en: 'You are number {0} in the queue' },
  estimate: { zh: '预计等待约 {0} 分钟', en: 'Estimated wait about {0} min' },
  waited: { zh: '已等待 {0}', en: 'Waiting {0}' },
  ringing: { zh: '正在呼叫客服人员…', en: 'Calling an agent…' },
  inCall: { zh: '客服 {0} 正在为您服务', en: 'Agent {0} is with you' },
  mediaConnecting: { zh: '正在接通视频…', en: 'Connecting video…' },
  mute: { zh: '静音', en: 'Mute' },
  unmute: { zh: '取消静音', en: 'Unmute' },
  hangUp: { zh: '挂断', en: 'Hang up' },
  leaving: { zh: '正在挂断…', en: 'Hanging up…' },
  callbackOffer: { zh: '我们可以给您回电。留下手机号（可不填），我们会为您登记一张回访工单。', en: 'We can call you back. Leave a mobile number (optional) and we will file a callback ticket for you.' },
  phone: { zh: '手机号', en: 'Mobile number' },
  phoneInvalid: { zh: '请输入11位手机号，或留空。', en: 'Enter an 11-digit mobile number, or leave it empty.' },
  submit: { zh: '登记回访', en: 'File callback' },
  noPhone: { zh: '不留号码', en: 'No number' },
  creating: { zh: '正在登记…', en: 'Filing…' },
  failed: { zh: '登记未成功，请重试。', en: 'Filing did not work. Please try again.' },
  ticketDone: { zh: '回访工单号', en: 'Callback ticket' },
  article: { zh: '客服为您打开了这篇帮助文章：', en: 'Your agent opened this help article for you:' },
  articleLoading: { zh: '正在打开客服发来的帮助文章…', en: 'Opening the help article your agent sent…' },
  articleMissing: { zh: '客服想为您打开一篇帮助文章，但本机还没有这篇文章。请客服口头说明，或稍后在“常见问题”中查看。', en: 'Your agent wanted to show you a help article, but this kiosk does not have it yet. Ask the agent to explain, or look in Help later.' },
  report: { zh: '客服已为您登记工单：{0}', en: 'Your agent filed ticket {0} for you' },
} as const satisfies Readonly<Record<string, Words>>;

export type CallTextKey = keyof typeof CALL_WORDS;

export function callText(lang: Language, key: CallTextKey, ...args: (string | number)[]): string {
  return fillWords(wordsIn(lang, CALL_WORDS[key]), ...args);
}

export const fallbackText = (lang: Language, reason: FallbackReason): string => wordsIn(lang, fallback[reason]);
export const endedText = (lang: Language, reason: CallEndReason): string => wordsIn(lang, CALL_END_WORDS[reason]);
