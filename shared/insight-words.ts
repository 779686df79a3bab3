/** What the supervisor's insight page and the weekly report say, in both languages: days, weeks, durations and the names of channels. */
import type { Words } from './words.js';

export const INSIGHT_WORDS = {
  title: { zh: '服务洞察', en: 'Service insight' },
  language: { zh: 'English', en: '中文' },
  toStaff: { zh: '工单管理', en: 'Tickets' },
  toAdmin: { zh: '系统管理', en: 'Administration' },
  notAllowed: { zh: '服务洞察仅供值班主管和系统管理员使用。', en: 'Service insight is for supervisors and administrators only.' },
  failed: { zh: '未能读取：{0}', en: 'Could not read: {0}' },
  loading: { zh: '正在读取…', en: 'Loading…' },
  // filters
  from: { zh: '从（北京时间）', en: 'From (Beijing time)' },
  to: { zh: '到（含）', en: 'To (inclusive)' },
  line: { zh: '线路', en: 'Line' },
  station: { zh: '车站', en: 'Station' },
  kiosk: { zh: '终端', en: 'Kiosk' },
  category: { zh: '类别', en: 'Category' },
  channel: { zh: '渠道', en: 'Channel' },
  all: { zh: '全部', en: 'All' },
  apply: { zh: '筛选', en: 'Apply' },
  dayExample: { zh: '例：2026年12月1日', en: 'e.g. 1 Dec 2026' },
  badDay: { zh: '“{0}”不是日期，请写成 2026年12月1日 这样', en: '"{0}" is not a date; write it like 1 Dec 2026' },
  thisWeek: { zh: '本周', en: 'This week' },
  lastWeek: { zh: '上周', en: 'Last week' },
  last30: { zh: '近 30 天', en: 'Last 30 days' },
  kioskName: { zh: '{0} · 终端 {1}', en: '{0} · kiosk {1}' },
  ignored: { zh: '此视图不按以下条件筛选：{0}', en: 'This view is not filtered by: {0}' },
  range: { zh: '{0} 至 {1}（北京时间）', en: '{0} to {1} (Beijing time)' },
  generated: { zh: '统计于 {0}（北京时间）', en: 'Computed {0} (Beijing time)' },
  // views
  tickets: { zh: '工单', en: 'Tickets' },
  response: { zh: '处理时效', en: 'Response times' },
  satisfaction: { zh: '满意度', en: 'Satisfaction' },
  calls: { zh: '视频呼叫', en: 'Calls' },
  devices: { zh: '设备', en: 'Devices' },
  downloadCsv: { zh: '下载 CSV：{0}', en: 'Download CSV: {0}' },
  weeklyReport: { zh: '下载周报（PDF）', en: 'Weekly report (PDF)' },
  weekOf: { zh: '周报所属周', en: 'Week of the report' },
  dataTable: { zh: '数据表', en: 'Data table' },
  most: { zh: '最多在', en: 'most on' },
  nothing: { zh: '所选范围内没有数据。', en: 'Nothing in the chosen range.' },
  // summary
  sumTickets: { zh: '工单总数', en: 'Tickets' },
  ticketsN: { zh: '{0} 件工单', en: '{0} tickets' },
  sumTopStation: { zh: '工单最多的车站', en: 'Station with most tickets' },
  sumTopCategory: { zh: '最多的类别', en: 'Most frequent category' },
  sumMet: { zh: '按时处理率', en: 'Fixed within target' },
  sumMetNote: { zh: '按时 {0} 件，超时 {1} 件', en: '{0} on time, {1} late' },
  sumSatisfaction: { zh: '平均满意度', en: 'Average satisfaction' },
  sumRatings: { zh: '{0} 条评价', en: '{0} ratings' },
  sumCalls: { zh: '视频呼叫接通', en: 'Calls answered' },
  sumCallsNote: { zh: '共 {0} 次，放弃 {1} 次', en: '{0} offered, {1} abandoned' },
  sumFaults: { zh: '设备故障', en: 'Device faults' },
  sumFaultsNote: { zh: '其中 7 天内重复 {0} 次', en: '{0} repeats within 7 days' },
  // tickets view
  day: { zh: '日期', en: 'Day' },
  ticketsByDay: { zh: '每天的工单（按类别）', en: 'Tickets per day, by category' },
  ticketsByStation: { zh: '各车站的工单（按类别）', en: 'Tickets per station, by category' },
  ticketsByChannel: { zh: '每天的工单（按渠道）', en: 'Tickets per day, by channel' },
  // response view
  responseHours: { zh: '首次响应与关闭用时（中位数，小时），与目标对比', en: 'Time to first response and to close (median, hours) against the target' },
  metShareChart: { zh: '按时处理率（按类别）', en: 'Share fixed within target, by category' },
  firstResponseP50: { zh: '首次响应（中位数）', en: 'First response (median)' },
  closeP50: { zh: '关闭（中位数）', en: 'Close (median)' },
  target: { zh: '目标', en: 'Target' },
  targetHours: { zh: '目标 {0} 小时', en: 'Target {0} h' },
  metShare: { zh: '按时率', en: 'Share met' },
  firstResponseP90: { zh: '首次响应（90%）', en: 'First response (90th pct.)' },
  closeP90: { zh: '关闭（90%）', en: 'Close (90th pct.)' },
  met: { zh: '按时', en: 'On time' },
  missed: { zh: '超时', en: 'Late' },
  ticketCount: { zh: '工单数', en: 'Tickets' },
  minutes: { zh: '{0} 分钟', en: '{0} min' },
  hours: { zh: '{0} 小时', en: '{0} h' },
  // satisfaction view
  averageByDay: { zh: '每天的平均满意度', en: 'Average satisfaction per day' },
  average: { zh: '平均分', en: 'Average' },
  distribution: { zh: '评分分布', en: 'Scores given' },
  score: { zh: '{0} 分', en: '{0} of 5' },
  ratings: { zh: '评价数', en: 'Ratings' },
  byStation: { zh: '各车站的平均满意度', en: 'Average satisfaction per station' },
  byChannel: { zh: '各服务的平均满意度', en: 'Average satisfaction per service' },
  reasons: { zh: '乘客给出的原因', en: 'Reasons passengers gave' },
  reason: { zh: '原因', en: 'Reason' },
  service: { zh: '服务', en: 'Service' },
  // calls view
  callsByHour: { zh: '各时段的呼叫（北京时间）', en: 'Calls per hour of day (Beijing time)' },
  waitByHour: { zh: '各时段的等待时间（秒）', en: 'Waiting time per hour of day (seconds)' },
  hour: { zh: '时段', en: 'Hour' },
  offered: { zh: '呼入', en: 'Offered' },
  answered: { zh: '接通', en: 'Answered' },
  abandoned: { zh: '放弃', en: 'Abandoned' },
  unanswered: { zh: '无人接听', en: 'Not answered' },
  callbacks: { zh: '回电请求', en: 'Callbacks' },
  waitP50: { zh: '等待中位数', en: 'Median wait' },
  waitP90: { zh: '等待 90% 分位', en: '90th pct. wait' },
  waitMax: { zh: '最长等待', en: 'Longest wait' },
  seconds: { zh: '{0} 秒', en: '{0} s' },
  // devices view
  faultsByKiosk: { zh: '各终端的设备故障', en: 'Device faults per kiosk' },
  faultsByDevice: { zh: '各设备的故障', en: 'Faults per device' },
  offlineKiosks: { zh: '最常离线的终端', en: 'Kiosks most often offline' },
  faults: { zh: '故障', en: 'Faults' },
  firstFaults: { zh: '首次故障', en: 'First faults' },
  repeats: { zh: '7 天内重复', en: 'Repeats within 7 days' },
  device: { zh: '设备', en: 'Device' },
  lastFault: { zh: '最近一次', en: 'Last' },
  outages: { zh: '离线次数', en: 'Outages' },
  offlineMinutes: { zh: '离线时长', en: 'Time offline' },
  offlineNow: { zh: '现在离线', en: 'Offline now' },
  lastContact: { zh: '最后联系', en: 'Last contact' },
  never: { zh: '从未联系', en: 'Never' },
  yes: { zh: '是', en: 'Yes' },
  no: { zh: '否', en: 'No' },
} as const satisfies Readonly<Record<string, Words>>;

export type InsightWord = keyof typeof INSIGHT_WORDS;

/** How a matter reached central (shared/insight.ts `InsightChannel`). */
export const CHANNEL_WORDS = {
  report: { zh: '乘客报告', en: 'Passenger report' },
  callback: { zh: '回电请求', en: 'Callback request' },
  emergency: { zh: '紧急求助', en: 'Emergency' },
  'device-fault': { zh: '设备故障', en: 'Device fault' },
} as const satisfies Readonly<Record<string, Words>>;

/** The service a passenger rated (shared/insight.ts `RatingChannel`). */
export const RATING_CHANNEL_WORDS = {
  call: { zh: '视频客服', en: 'Video call' },
  report: { zh: '故障报告', en: 'Report' },
  faq: { zh: '常见问题', en: 'FAQ' },
  balance: { zh: '余额查询', en: 'Balance check' },
  status: { zh: '工单查询', en: 'Ticket look-up' },
} as const satisfies Readonly<Record<string, Words>>;

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ZH_WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const EN_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** A Beijing calendar day (`YYYY-MM-DD`) as people read it: `12月1日`, `1 Dec`; with the year when asked. */
export function dayWords(day: string, lang: 'zh' | 'en', options: { year?: boolean; weekday?: boolean } = {}): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (lang === 'zh') return `${options.year ? `${y}年` : ''}${m}月${d}日${options.weekday ? ` ${ZH_WEEKDAYS[weekday]}` : ''}`;
  return `${options.weekday ? `${EN_WEEKDAYS[weekday]} ` : ''}${d} ${EN_MONTHS[m - 1]}${options.year ? ` ${y}` : ''}`;
}

const EN_MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/**
 * A day as a person types it, in the page's words or as digits: `2026年12月1日`, `1 Dec 2026`,
 * `Dec 1, 2026`, `2026-12-01`, `2026/12/1` (a weekday before or after is ignored). The day is a
 * Beijing calendar day; the answer is `YYYY-MM-DD`, or null when the text is no real day of
 * 2000–2099.
 */
export function parseDayWords(text: string): string | null {
  const s = text
    .trim()
    .toLowerCase()
    .replace(/(周|星期)[一二三四五六日天]/g, '')
    .replace(/\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const month = (name: string): number => {
    const i = name.length >= 3 ? EN_MONTH_NAMES.findIndex((m) => m.startsWith(name.replace(/\.$/, ''))) : -1;
    return i + 1;
  };
  const digits = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s);
  const dayFirst = /^(\d{1,2}) ([a-z]+\.?),? (\d{4})$/.exec(s);
  const monthFirst = /^([a-z]+\.?) (\d{1,2}),? (\d{4})$/.exec(s);
  const ymd: readonly [number, number, number] | null = digits
    ? [Number(digits[1]), Number(digits[2]), Number(digits[3])]
    : dayFirst
      ? [Number(dayFirst[3]), month(dayFirst[2]!), Number(dayFirst[1])]
      : monthFirst
        ? [Number(monthFirst[3]), month(monthFirst[1]!), Number(monthFirst[2])]
        : null;
  if (ymd === null) return null;
  const [y, m, d] = ymd;
  if (y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1) return null;
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return null;
  return day.toISOString().slice(0, 10);
}

/** Every day from `from` to `to` (both `YYYY-MM-DD`, inclusive). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); t <= end && out.length < 1000; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** The Monday-to-Sunday week (Beijing days) that holds `day`. */
export function weekOf(day: string): { readonly from: string; readonly to: string } {
  const t = Date.parse(`${day}T00:00:00Z`);
  const monday = t - ((new Date(t).getUTCDay() + 6) % 7) * 86_400_000;
  return { from: new Date(monday).toISOString().slice(0, 10), to: new Date(monday + 6 * 86_400_000).toISOString().slice(0, 10) };
}

/** Minutes as people read them: `45 分钟`, `3.5 小时`, `2.1 天`. */
export function durationWords(minutes: number | null, lang: 'zh' | 'en'): string {
  if (minutes === null) return '—';
  if (minutes < 90) return lang === 'zh' ? `${Math.round(minutes)} 分钟` : `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return lang === 'zh' ? `${(minutes / 60).toFixed(1)} 小时` : `${(minutes / 60).toFixed(1)} h`;
  return lang === 'zh' ? `${(minutes / 1440).toFixed(1)} 天` : `${(minutes / 1440).toFixed(1)} days`;
}

/** A share 0–1 as a percentage: `85%`. */
export const percentWords = (share: number | null): string => (share === null ? '—' : `${Math.round(share * 100)}%`);
