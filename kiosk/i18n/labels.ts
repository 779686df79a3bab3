/** Fixed labels: categories, ticket statuses, survey reasons, and the UI's buttons and titles. */
import type { TicketCategory, TicketStatus } from '../../shared/ticket.js';
import type { Choice, Language, RatedService } from '../../shared/ui-protocol.js';

type Bi = { readonly zh: string; readonly en: string };
const pick = (lang: Language, b: Bi) => (lang === 'zh' ? b.zh : b.en);

const CATEGORIES: Readonly<Record<TicketCategory, Bi>> = {
  'card-problem': { zh: '卡片问题', en: 'Card problem' },
  gate: { zh: '闸机', en: 'Gate' },
  'ticket-machine': { zh: '售票机', en: 'Ticket machine' },
  'station-facility': { zh: '车站设施', en: 'Station facility' },
  'staff-complaint': { zh: '服务投诉', en: 'Staff or service complaint' },
  suggestion: { zh: '建议', en: 'Suggestion' },
  callback: { zh: '回电请求', en: 'Callback request' },
  'device-fault': { zh: '设备故障', en: 'Device fault' },
};

export function categoryLabel(lang: Language, category: TicketCategory): string {
  return pick(lang, CATEGORIES[category]);
}

const STATUSES: Readonly<Record<TicketStatus, Bi>> = {
  open: { zh: '已受理，等待处理', en: 'Received, waiting to be handled' },
  'in-progress': { zh: '处理中', en: 'Being handled' },
  'waiting-for-passenger': { zh: '等待您的回复', en: 'Waiting for your reply' },
  resolved: { zh: '已解决', en: 'Resolved' },
  closed: { zh: '已关闭', en: 'Closed' },
  rejected: { zh: '未能受理', en: 'Could not be accepted' },
};

export function ticketStatusLabel(lang: Language, status: TicketStatus): string {
  return pick(lang, STATUSES[status]);
}

const REASONS: readonly (Bi & { id: string })[] = [
  { id: 'fast', zh: '很快', en: 'Quick' },
  { id: 'clear', zh: '说明清楚', en: 'Clear explanation' },
  { id: 'slow', zh: '太慢', en: 'Too slow' },
  { id: 'unclear', zh: '看不懂', en: 'Hard to understand' },
  { id: 'not-solved', zh: '问题没有解决', en: 'My problem was not solved' },
];

export function surveyReasonChoices(lang: Language): Choice[] {
  return REASONS.map((r) => ({ id: r.id, label: pick(lang, r) }));
}

export function isSurveyReason(id: string): boolean {
  return REASONS.some((r) => r.id === id);
}

const SERVICES: Readonly<Record<RatedService, Bi>> = {
  balance: { zh: '查询卡片', en: 'card check' },
  report: { zh: '问题反馈', en: 'report' },
  status: { zh: '工单查询', en: 'ticket status' },
  faq: { zh: '常见问题', en: 'help articles' },
  call: { zh: '人工客服', en: 'call with an agent' },
};

export function serviceLabel(lang: Language, service: RatedService): string {
  return pick(lang, SERVICES[service]);
}

/** Buttons and titles the UI shows; keyed by the UI. */
export const UI_LABELS = {
  'attract.title': { zh: '乘客服务', en: 'Passenger service' },
  'attract.hint': { zh: '请放卡查询，或点击屏幕开始', en: 'Tap your card, or touch the screen to start' },
  'menu.balance': { zh: '查询卡片', en: 'Check my card' },
  'menu.report': { zh: '问题反馈', en: 'Report a problem' },
  'menu.status': { zh: '工单查询', en: 'Follow a ticket' },
  'menu.faq': { zh: '常见问题', en: 'Help' },
  'menu.call': { zh: '联系人工客服', en: 'Talk to an agent' },
  'card.wait': { zh: '请把卡放在读卡区', en: 'Place your card on the reader' },
  'card.reading': { zh: '正在读卡，请不要移开', en: 'Reading your card, keep it still' },
  'balance.title': { zh: '卡内余额', en: 'Balance' },
  'balance.trips': { zh: '最近行程', en: 'Recent trips' },
  'balance.transactions': { zh: '最近交易', en: 'Recent transactions' },
  'balance.loading': { zh: '正在读取行程记录…', en: 'Reading trip records…' },
  'report.category': { zh: '请选择问题类型', en: 'What is it about?' },
  'report.describe': { zh: '请描述问题', en: 'Describe the problem' },
  'report.phrases': { zh: '常用语', en: 'Common phrases' },
  'report.phone': { zh: '手机号码（可选）', en: 'Mobile number (optional)' },
  'report.phone-invalid': {
    zh: '这不是中国大陆手机号码：需要 11 位数字，以 1 开头，第二位是 3 到 9。请改正，或点“跳过”。',
    en: 'This is not a mainland China mobile number: it needs 11 digits, starting with 1, then 3 to 9. Correct it, or tap Skip.',
  },
  'report.review': { zh: '请确认', en: 'Please check' },
  'report.card-attached': { zh: '已附卡片', en: 'Card attached' },
  'report.no-card': { zh: '未附卡片（可放卡附上）', en: 'No card attached (tap your card to attach it)' },
  'report.submit-failed': { zh: '保存失败，请再试一次', en: 'Could not save, please try again' },
  'report.done': { zh: '已提交，您的工单号', en: 'Submitted. Your ticket number' },
  'report.printing': { zh: '正在打印凭条…', en: 'Printing your receipt…' },
  'report.print-failed': { zh: '凭条打印失败，请扫描二维码保存', en: 'The receipt could not be printed: scan the QR code instead' },
  'report.qr': { zh: '扫码查看处理进度', en: 'Scan to follow your ticket' },
  'status.entry': { zh: '输入工单号，扫描凭条二维码，或放卡查询', en: 'Type the ticket number, scan the receipt, or tap your card' },
  'status.invalid-ticket-id': { zh: '工单号有误，请检查', en: 'That ticket number is not valid: please check it' },
  'status.not-found': { zh: '没有找到这个工单', en: 'No ticket with that number' },
  'status.lookup-failed': { zh: '暂时无法查询，请稍后再试', en: 'Cannot look it up right now, please try later' },
  'status.no-tickets-for-card': { zh: '这张卡没有工单', en: 'No tickets for this card' },
  'faq.title': { zh: '常见问题', en: 'Help' },
  'faq.search': { zh: '搜索', en: 'Search' },
  'faq.unavailable': { zh: '帮助内容暂不可用', en: 'Help is not available right now' },
  'survey.question': { zh: '您对本次服务满意吗？', en: 'How was the service?' },
  'survey.reason': { zh: '原因（可选）', en: 'Why? (optional)' },
  'survey.thanks': { zh: '谢谢您的评价', en: 'Thank you' },
  'idle.warning': { zh: '您还在吗？', en: 'Are you still there?' },
  'idle.discarding-report': { zh: '您的反馈将在 {s} 秒后清除', en: 'Your report will be discarded in {s} s' },
  'idle.continue': { zh: '继续', en: 'Continue' },
  'idle.discard': { zh: '清除', en: 'Discard' },
  'idle.countdown': { zh: '{s} 秒后返回首页', en: 'Back to start in {s} s' },
  'button.back': { zh: '返回', en: 'Back' },
  'button.home': { zh: '首页', en: 'Home' },
  'button.next': { zh: '下一步', en: 'Next' },
  'button.skip': { zh: '跳过', en: 'Skip' },
  'button.submit': { zh: '提交', en: 'Submit' },
  'button.done': { zh: '完成', en: 'Done' },
  'button.retry-print': { zh: '重新打印', en: 'Print again' },
  'button.large-text': { zh: '大字', en: 'Large text' },
  'button.language': { zh: 'English', en: '中文' },
} as const satisfies Readonly<Record<string, Bi>>;

export type UiLabelKey = keyof typeof UI_LABELS;

/** A fixed label; `{s}`-style placeholders are filled from `params`. */
export function uiLabel(lang: Language, key: UiLabelKey, params: Readonly<Record<string, string | number>> = {}): string {
  return pick(lang, UI_LABELS[key]).replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}
