import type { Receipt } from '../../shared/devices.js';
import type { TicketId } from '../../shared/ticket.js';

/** Text in both languages; the receipt prints Chinese first. */
export interface Bilingual {
  readonly zh: string;
  readonly en: string;
}

export interface TicketReceiptInput {
  readonly ticketId: TicketId;
  /** Where the passenger follows the ticket, e.g. `https://kf.metro.example/t/GZ0102-261123-0042-7`. */
  readonly statusUrl: string;
  readonly station: Bilingual;
  readonly category: Bilingual;
  /** ISO 8601 instant the ticket was made. */
  readonly createdAt: string;
  /** IANA zone for the printed time; stations in China use Asia/Shanghai. */
  readonly timeZone?: string;
}

/** `YYYY-MM-DD HH:mm` in the station's zone. */
export function receiptTime(iso: string, timeZone = 'Asia/Shanghai'): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '??';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** The ticket receipt: station title, ticket id, QR to the status page, details, keep-this text. */
export function ticketReceipt(input: TicketReceiptInput): Receipt {
  return {
    blocks: [
      { kind: 'text', text: input.station.zh, align: 'center', bold: true, size: 2 },
      { kind: 'text', text: input.station.en, align: 'center' },
      { kind: 'text', text: '乘客服务工单 Passenger service ticket', align: 'center' },
      { kind: 'rule' },
      { kind: 'text', text: '工单号 Ticket no.', align: 'center' },
      { kind: 'text', text: input.ticketId, align: 'center', bold: true, size: 2 },
      { kind: 'qr', data: input.statusUrl, moduleSize: 6, errorCorrection: 'M', align: 'center' },
      { kind: 'text', text: '扫码查询处理进度\nScan to follow your ticket', align: 'center' },
      { kind: 'rule' },
      { kind: 'text', text: `车站 Station: ${input.station.zh} ${input.station.en}` },
      { kind: 'text', text: `时间 Time: ${receiptTime(input.createdAt, input.timeZone)}` },
      { kind: 'text', text: `类别 Category: ${input.category.zh} ${input.category.en}` },
      { kind: 'rule' },
      { kind: 'text', text: '请保留此凭条\nPlease keep this receipt', align: 'center', bold: true },
    ],
  };
}
