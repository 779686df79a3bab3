import type { Language } from '../../shared/ui-protocol.js';
import { uiLabel, UI_LABELS, type UiLabelKey } from '../i18n/labels.js';

/**
 * Words of the UI's own frame and widgets that `kiosk/i18n` does not carry. Screen texts about
 * the card come from the runtime; shared button and title labels from `kiosk/i18n`.
 */
const OWN = {
  reconnecting: { zh: '正在重新连接…', en: 'Reconnecting…' },
  connecting: { zh: '正在启动…', en: 'Starting…' },
  menuTitle: { zh: '请选择服务', en: 'How can we help?' },
  noTrips: { zh: '卡内没有行程记录', en: 'No trips on this card' },
  checking: { zh: '正在检查卡片状态…', en: 'Checking the card…' },
  cardOk: { zh: '卡片状态正常', en: 'The card is in good order' },
  validUntil: { zh: '有效期至', en: 'Valid until' },
  report: { zh: '报告问题', en: 'Report a problem' },
  category: { zh: '类型', en: 'Category' },
  description: { zh: '描述', en: 'Description' },
  phone: { zh: '电话', en: 'Phone' },
  card: { zh: '交通卡', en: 'Card' },
  none: { zh: '无', en: 'None' },
  submitting: { zh: '正在提交…', en: 'Submitting…' },
  receiptPrinted: { zh: '请取走凭条', en: 'Please take your receipt' },
  statusEntry: { zh: '请输入工单号', en: 'Enter your ticket number' },
  looking: { zh: '正在查询…', en: 'Looking it up…' },
  statusList: { zh: '您的工单', en: 'Your tickets' },
  loading: { zh: '加载中…', en: 'Loading…' },
  noArticles: { zh: '没有找到相关内容', en: 'Nothing found' },
  exit: { zh: '结束', en: 'Finish' },
  space: { zh: '空格', en: 'Space' },
  backspace: { zh: '删除', en: 'Delete' },
  shift: { zh: '大写', en: 'Shift' },
  clear: { zh: '清空', en: 'Clear' },
  callTitle: { zh: '视频客服', en: 'Video help' },
  callConnecting: { zh: '正在连接客服…', en: 'Connecting to an agent…' },
  callQueued: { zh: '排队中，前面还有 {n} 人', en: 'In the queue: {n} ahead of you' },
  callInCall: { zh: '通话中', en: 'In call' },
  callEnded: { zh: '通话已结束', en: 'The call has ended' },
  callUnavailable: { zh: '暂时无人接听，请稍后再试或报告问题', en: 'No agent is free. Try again later or report the problem' },
  hangUp: { zh: '挂断', en: 'Hang up' },
  cancel: { zh: '取消', en: 'Cancel' },
  maintenance: { zh: '设备维护中', en: 'Under maintenance' },
  'keyboard.pinyin': { zh: '拼音', en: '拼音 Pinyin' },
  'keyboard.latin': { zh: '英文 ABC', en: 'ABC' },
  'keyboard.candidates': { zh: '候选字', en: 'Characters' },
  'keyboard.more': { zh: '更多', en: 'More' },
  'keyboard.previous': { zh: '上一页', en: 'Back' },
  'keyboard.type-letters': { zh: '输入字母', en: 'Type letters' },
  'phone.why': { zh: '留下手机号码，工作人员可以给您回电。也可以跳过。', en: 'Leave a mobile number and staff can call you back. You may skip this.' },
  'phone.count': { zh: '已输入 {n} 位，共 11 位', en: '{n} of 11 digits' },
  'phone.format': { zh: '中国大陆手机号码：11 位数字，以 1 开头，第二位是 3 到 9，例如 138 0013 8000。', en: 'A mainland China mobile number: 11 digits, starting with 1, then 3 to 9, e.g. 138 0013 8000.' },
  'phone.hint-first': { zh: '手机号码第一位是 1', en: 'A mobile number starts with 1' },
  'phone.hint-second': { zh: '手机号码第二位是 3 到 9', en: 'The second digit of a mobile number is 3 to 9' },
  'phone.hint-length': { zh: '还差 {n} 位数字', en: '{n} more digits to go' },
} as const satisfies Record<string, Record<Language, string>>;

export type LabelKey = UiLabelKey | keyof typeof OWN;

/** A fixed label; `{n}` / `{s}` are filled with `n`. */
export function label(language: Language, key: LabelKey, n?: number): string {
  if (key in UI_LABELS) return uiLabel(language, key as UiLabelKey, n === undefined ? {} : { s: n, n });
  const text: string = OWN[key as keyof typeof OWN][language];
  return n === undefined ? text : text.replace('{n}', String(n));
}
