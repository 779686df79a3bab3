/**
 * The weekly report for the departments that fix things: one PDF per Beijing week (Monday to
 * Sunday), from the same insight queries as the supervisor's page (central/insight/), in Chinese
 * with English beside each heading. What went wrong where (tickets per station and category,
 * device faults and repeats, kiosks offline), how fast it was fixed (first response and close
 * against each category's target), and how passengers felt (satisfaction, the reasons given,
 * calls). Text is set in Noto Sans CJK (Debian's fonts-noto-cjk, which scripts/setup.sh
 * installs), embedded as a subset, so Chinese renders on any reader and its text can be searched
 * and copied.
 */
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { InsightAnswers, InsightFilter } from '../../shared/insight.js';
import { TICKET_CATEGORIES, type TicketCategory } from '../../shared/ticket.js';
import { deviceWords, TICKET_CATEGORY_WORDS, type Words } from '../../shared/words.js';
import { beijingTime } from '../../shared/shanghai-date.js';
import { CHANNEL_WORDS, dayWords, durationWords, percentWords, RATING_CHANNEL_WORDS } from '../../shared/insight-words.js';

/** Where Debian's fonts-noto-cjk puts its sans-serif faces, and the Simplified Chinese face in each collection. */
export const REPORT_FONTS = {
  regular: { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  bold: { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc', face: 'NotoSansCJKsc-Bold' },
} as const;

/** Rows of a ranked table at most (stations, kiosks, devices, reasons). */
export const REPORT_TOP_ROWS = 15;

export class ReportFontMissing extends Error {
  constructor(file: string) {
    super(`the report's Chinese font ${file} is missing: install Debian's fonts-noto-cjk (scripts/setup.sh does)`);
    this.name = 'ReportFontMissing';
  }
}

/** What the report is made of: the five insight answers over one week, and how to name places. */
export interface WeeklyReportInput {
  readonly answers: InsightAnswers;
  /** A station's words (its id when central knows no name for it). */
  readonly stationWords: (stationId: string) => Words;
  /** A kiosk's words (station and ticket code). */
  readonly kioskWords: (kioskId: string) => Words;
  /** ISO 8601: when the report was made. */
  readonly generatedAt: string;
}

const both = (w: Words): string => (w.zh === w.en ? w.zh : `${w.zh} ${w.en}`);
const cat = (c: TicketCategory): string => both(TICKET_CATEGORY_WORDS[c]);
const mins = (m: number | null): string => (m === null ? '—' : `${durationWords(m, 'zh')} · ${durationWords(m, 'en')}`);

type Doc = InstanceType<typeof PDFDocument>;
/** A column: its heading, its width in points, and `right` for figures set flush right. */
type Column = readonly [head: string, width: number, align?: 'right'];
type Row = readonly string[];

/** One table of the report, with the headings set above it and the small print set below it. */
interface ReportTable {
  readonly heading?: string;
  readonly subheading?: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  /** A row's ink (late tickets in red); the report's ink when left out. */
  readonly colourOf?: (row: Row) => string;
  readonly note?: string;
}

const MARGIN = 48;
const INK = '#1d2430';
const MUTED = '#5a6472';
const LATE = '#b00020';

/** The report as PDF bytes. */
export async function weeklyReportPdf(input: WeeklyReportInput): Promise<Buffer> {
  for (const f of [REPORT_FONTS.regular.file, REPORT_FONTS.bold.file]) if (!existsSync(f)) throw new ReportFontMissing(f);
  const filter = input.answers.tickets.filter;
  const week = `${dayWords(filter.from, 'zh', { year: true })}至${dayWords(filter.to, 'zh', { year: true })} · ${dayWords(filter.from, 'en', { weekday: true })} to ${dayWords(filter.to, 'en', { weekday: true, year: true })}`;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    info: { Title: `每周服务报告 Weekly service report ${filter.from}–${filter.to}`, Author: 'Station Kiosk central', Subject: week },
    bufferPages: true,
  });
  doc.registerFont('regular', REPORT_FONTS.regular.file, REPORT_FONTS.regular.face);
  doc.registerFont('bold', REPORT_FONTS.bold.file, REPORT_FONTS.bold.face);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('bold').fontSize(18).fillColor(INK).text('每周服务报告 Weekly service report');
  doc.font('regular').fontSize(10.5).fillColor(INK).text(`${week}（北京时间 Beijing time）`);
  doc.fillColor(MUTED).fontSize(9).text(`${filterWords(filter, input)} · 生成于 Made ${when(input.generatedAt)}（北京时间 Beijing time）`);
  doc.moveDown(0.8);

  for (const t of reportTables(input)) drawTable(doc, t);

  const pages = doc.bufferedPageRange();
  for (let i = 0; i < pages.count; i++) {
    doc.switchToPage(pages.start + i);
    doc.font('regular').fontSize(8).fillColor(MUTED).text(`${dayWords(filter.from, 'zh')}至${dayWords(filter.to, 'zh')} · 第 ${i + 1} / ${pages.count} 页 page ${i + 1} of ${pages.count}`, MARGIN, doc.page.height - MARGIN + 14, { lineBreak: false });
  }
  doc.end();
  return ended;
}

/** The report's tables in the order they are set: what went wrong where, how fast it was fixed, how passengers felt. */
function reportTables(input: WeeklyReportInput): ReportTable[] {
  const { tickets, response, satisfaction, calls, devices } = input.answers;
  const kiosk = (id: string): string => both(input.kioskWords(id));
  const average = (a: number | null): string => (a === null ? '—' : a.toFixed(2));
  const met = response.rows.reduce((n, r) => n + r.met, 0);
  const missed = response.rows.reduce((n, r) => n + r.missed, 0);
  const byCategory = new Map<TicketCategory, number>();
  for (const r of tickets.byDay) byCategory.set(r.category, (byCategory.get(r.category) ?? 0) + r.count);
  const channels = new Map<string, number>();
  for (const r of tickets.byChannel) channels.set(r.channel, (channels.get(r.channel) ?? 0) + r.count);
  const stations = new Map<string, { total: number; cats: Map<TicketCategory, number> }>();
  for (const r of tickets.byStation) {
    const s = stations.get(r.stationId) ?? { total: 0, cats: new Map() };
    s.total += r.count;
    s.cats.set(r.category, (s.cats.get(r.category) ?? 0) + r.count);
    stations.set(r.stationId, s);
  }
  const mainCategories = (cats: Map<TicketCategory, number>): string =>
    [...cats]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([c, n]) => `${TICKET_CATEGORY_WORDS[c].zh} ${n}`)
      .join('，');
  const hour = (h: number): string => `${String(h).padStart(2, '0')}:00–${String(h).padStart(2, '0')}:59`;
  return [
    {
      heading: '本周概况 The week in figures',
      columns: [['项目 What', 260], ['数值 Figure', 239, 'right']],
      rows: [
        ['工单 Tickets', String(tickets.total)],
        ['按时处理 Fixed within target', `${percentWords(met + missed > 0 ? met / (met + missed) : null)}（按时 on time ${met} / 超时 late ${missed}）`],
        ['平均满意度 Average satisfaction', satisfaction.total.average === null ? '—' : `${satisfaction.total.average.toFixed(2)} / 5（${satisfaction.total.count} 条评价 ratings）`],
        ['视频呼叫 Calls', `呼入 offered ${calls.total.offered} · 接通 answered ${calls.total.answered} · 放弃 abandoned ${calls.total.abandoned} · 回电请求 callbacks ${calls.total.callbacks}`],
        ['设备故障 Device faults', `${devices.faults}（7 天内重复 repeats within 7 days ${devices.repeats}）`],
        ['离线终端 Kiosks offline', String(devices.offline.length)],
      ],
    },
    {
      heading: '哪里出了问题 What went wrong where',
      subheading: '各类别工单 Tickets per category',
      columns: [['类别 Category', 300], ['工单 Tickets', 199, 'right']],
      rows: TICKET_CATEGORIES.filter((c) => byCategory.has(c)).map((c) => [cat(c), String(byCategory.get(c))]),
    },
    {
      subheading: '各渠道 Per channel',
      columns: [['渠道 Channel', 300], ['数量 Count', 199, 'right']],
      rows: (Object.keys(CHANNEL_WORDS) as (keyof typeof CHANNEL_WORDS)[]).filter((c) => channels.has(c)).map((c) => [both(CHANNEL_WORDS[c]), String(channels.get(c))]),
    },
    {
      subheading: '工单最多的车站 Stations with most tickets',
      columns: [['车站 Station', 150], ['工单 Tickets', 60, 'right'], ['主要类别 Main categories', 289]],
      rows: [...stations]
        .sort((a, b) => b[1].total - a[1].total)
        .slice(0, REPORT_TOP_ROWS)
        .map(([id, s]) => [both(input.stationWords(id)), String(s.total), mainCategories(s.cats)]),
    },
    {
      subheading: '设备故障最多的终端 Kiosks with most device faults',
      columns: [['终端 Kiosk', 260], ['故障 Faults', 110, 'right'], ['7 天内重复 Repeats', 129, 'right']],
      rows: devices.byKiosk.slice(0, REPORT_TOP_ROWS).map((r) => [kiosk(r.kioskId), String(r.faults), String(r.repeats)]),
    },
    {
      subheading: '故障设备 Devices that failed',
      columns: [['终端 Kiosk', 160], ['设备 Device', 100], ['故障 Faults', 45, 'right'], ['重复 Repeats', 50, 'right'], ['最近 Last', 144]],
      rows: devices.byDevice.slice(0, REPORT_TOP_ROWS).map((r) => [kiosk(r.kioskId), both(deviceWords(r.device)), String(r.faults), String(r.repeats), when(r.lastAt)]),
    },
    {
      subheading: '离线的终端 Kiosks offline',
      columns: [['终端 Kiosk', 200], ['次数 Outages', 60, 'right'], ['时长 Time offline', 140, 'right'], ['现在 Now', 99]],
      rows: devices.offline.slice(0, REPORT_TOP_ROWS).map((r) => [kiosk(r.kioskId), String(r.outages), mins(r.offlineMinutes), r.offlineNow ? '离线 Offline' : '在线 Online']),
    },
    {
      heading: '处理时效 How fast it was fixed',
      columns: [['类别 Category', 120], ['工单 Tickets', 44, 'right'], ['首次响应 First response', 95, 'right'], ['关闭 Close', 95, 'right'], ['目标 Target', 50, 'right'], ['按时 On time', 45, 'right'], ['超时 Late', 50, 'right']],
      rows: response.rows
        .filter((r) => r.tickets > 0 || r.met + r.missed > 0)
        .map((r) => [cat(r.category), String(r.tickets), mins(r.firstResponse.p50Minutes), mins(r.close.p50Minutes), `${r.targetHours} h`, `${r.met} (${percentWords(r.metShare)})`, String(r.missed)]),
      colourOf: (row) => (Number(row[6]) > 0 ? LATE : INK),
      note: '时间为中位数；按时率 = 按时 /（按时 + 超时），期限未到且未关闭的工单不计。 Times are medians; share on time = on time / (on time + late); tickets still open within their target count in neither.',
    },
    {
      heading: '乘客感受 How passengers felt',
      columns: [['评分 Score', 250], ['评价 Ratings', 249, 'right']],
      rows: satisfaction.distribution.map((r) => [`${r.score} 分 · ${r.score} of 5`, String(r.count)]),
    },
    {
      subheading: '各车站 Per station',
      columns: [['车站 Station', 250], ['评价 Ratings', 120, 'right'], ['平均 Average', 129, 'right']],
      rows: satisfaction.byStation.slice(0, REPORT_TOP_ROWS).map((r) => [both(input.stationWords(r.stationId)), String(r.count), average(r.average)]),
    },
    {
      subheading: '各服务 Per service',
      columns: [['服务 Service', 250], ['评价 Ratings', 120, 'right'], ['平均 Average', 129, 'right']],
      rows: satisfaction.byChannel.map((r) => [both(RATING_CHANNEL_WORDS[r.channel]), String(r.count), average(r.average)]),
    },
    {
      subheading: '乘客给出的原因 Reasons passengers gave',
      columns: [['原因 Reason', 330], ['次数 Times', 80, 'right'], ['平均 Average', 89, 'right']],
      rows: satisfaction.reasons.slice(0, REPORT_TOP_ROWS).map((r) => [r.reason, String(r.count), average(r.average)]),
    },
    {
      subheading: '视频呼叫最忙的时段 Busiest hours for calls',
      columns: [['时段 Hour', 100], ['呼入 Offered', 80, 'right'], ['接通 Answered', 80, 'right'], ['放弃 Abandoned', 80, 'right'], ['等待中位数 Median wait', 159, 'right']],
      rows: [...calls.byHour]
        .filter((r) => r.offered > 0)
        .sort((a, b) => b.offered - a.offered || a.hour - b.hour)
        .slice(0, 6)
        .map((r) => [hour(r.hour), String(r.offered), String(r.answered), String(r.abandoned), r.waitP50Seconds === null ? '—' : `${Math.round(r.waitP50Seconds)} 秒 s`]),
    },
  ];
}

function filterWords(filter: InsightFilter, input: WeeklyReportInput): string {
  const parts: string[] = [];
  if (filter.line) parts.push(filter.line);
  if (filter.stationId) parts.push(both(input.stationWords(filter.stationId)));
  return parts.length > 0 ? `范围 Scope: ${parts.join(' · ')}` : '全部车站 All stations';
}

function heading(doc: Doc, text: string): void {
  if (doc.y > doc.page.height - MARGIN - 90) doc.addPage();
  doc.moveDown(0.4);
  doc.font('bold').fontSize(13).fillColor(INK).text(text, MARGIN);
  doc.moveDown(0.3);
}

function subheading(doc: Doc, text: string): void {
  if (doc.y > doc.page.height - MARGIN - 60) doc.addPage();
  doc.font('bold').fontSize(10).fillColor(INK).text(text, MARGIN);
  doc.moveDown(0.2);
}

/** A table under its headings, with a header row, breaking onto a new page (header repeated) when a row does not fit. */
function drawTable(doc: Doc, t: ReportTable): void {
  if (t.heading !== undefined) heading(doc, t.heading);
  if (t.subheading !== undefined) subheading(doc, t.subheading);
  const pad = 3;
  const heads = t.columns.map(([head]) => head);
  const drawRow = (cells: Row, font: 'regular' | 'bold', colour: string): void => {
    doc.font(font).fontSize(8.5);
    const height = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: (t.columns[i]?.[1] ?? 60) - 2 * pad }))) + 2 * pad;
    if (doc.y + height > doc.page.height - MARGIN) {
      doc.addPage();
      if (font === 'regular') drawRow(heads, 'bold', INK);
      doc.font(font).fontSize(8.5);
    }
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((c, i) => {
      const [, width, align] = t.columns[i]!;
      doc.fillColor(colour).text(c, x + pad, y + pad, { width: width - 2 * pad, align: align ?? 'left' });
      x += width;
    });
    doc
      .moveTo(MARGIN, y + height)
      .lineTo(x, y + height)
      .lineWidth(font === 'bold' ? 0.8 : 0.4)
      .strokeColor('#c4cad4')
      .stroke();
    doc.x = MARGIN;
    doc.y = y + height;
  };
  drawRow(heads, 'bold', INK);
  if (t.rows.length === 0) drawRow(['无 None', ...t.columns.slice(1).map(() => '')], 'regular', MUTED);
  for (const r of t.rows) drawRow(r, 'regular', t.colourOf?.(r) ?? INK);
  doc.moveDown(0.6);
  if (t.note !== undefined) {
    doc.font('regular').fontSize(8).fillColor(MUTED).text(t.note);
    doc.moveDown(0.6);
  }
}

/** An instant as `11月27日 07:00 · 27 Nov 07:00`, Beijing time. */
function when(iso: string): string {
  const text = beijingTime(iso);
  if (text === '—') return text;
  const [day, time] = text.split(' ') as [string, string];
  return `${dayWords(day, 'zh')} ${time} · ${dayWords(day, 'en')} ${time}`;
}
