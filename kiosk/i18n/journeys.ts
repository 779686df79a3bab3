/**
 * Trip records (entry/exit steps) paired into journeys and told in plain words:
 * "Entered Line 1 Tiyu Xilu 08:12, exited Line 3 Kecun 08:40, 4.00 yuan" /
 * "2026年11月23日 08:12 体育西路（1号线）进站，08:40 客村（3号线）出站，4.00 元".
 */
import type { CardTrip } from '../../shared/card.js';
import type { Language, TripLine } from '../../shared/ui-protocol.js';
import { formatClock, formatDate, formatDateTime, formatYuan } from '../../shared/format.js';
import { placeLabel } from './stations.js';

export type Journey =
  | { readonly kind: 'journey'; readonly entry: CardTrip; readonly exit: CardTrip }
  /** An entry with no exit after it: an open trip (`open` is always true; kept for the screen line). */
  | { readonly kind: 'entry-only'; readonly entry: CardTrip; readonly open: boolean }
  | { readonly kind: 'exit-only'; readonly exit: CardTrip }
  | { readonly kind: 'single'; readonly trip: CardTrip };

const timeOf = (t: CardTrip) => (t.time === null ? Number.NEGATIVE_INFINITY : Date.parse(t.time));

/** Pairs steps into journeys, newest first. Records may come in any order (cards store newest first). */
export function pairJourneys(trips: readonly CardTrip[]): Journey[] {
  const steps = [...trips].sort((a, b) => timeOf(a) - timeOf(b));
  const out: Journey[] = [];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step.kind === 'entry') {
      const next = steps[i + 1];
      if (next && next.kind === 'exit' && next.mode === step.mode) {
        out.push({ kind: 'journey', entry: step, exit: next });
        i++;
      } else {
        out.push({ kind: 'entry-only', entry: step, open: true });
      }
    } else if (step.kind === 'exit') {
      out.push({ kind: 'exit-only', exit: step });
    } else {
      out.push({ kind: 'single', trip: step });
    }
  }
  return out.reverse();
}

function where(lang: Language, t: CardTrip): string {
  return placeLabel(lang, t.cityCode, t.station);
}

/** `2026年5月3日 07:50` / `3 May 2026 07:50`, Beijing time. */
function when(lang: Language, iso: string | null): string {
  return formatDateTime(lang, iso);
}

/** The exit's time, with its date too when it is not the entry's day. */
function exitWhen(lang: Language, entry: CardTrip, exit: CardTrip): string {
  return formatDate(lang, entry.time) === formatDate(lang, exit.time) ? formatClock(exit.time) : when(lang, exit.time);
}

function modeWord(lang: Language, t: CardTrip): string {
  switch (t.mode) {
    case 'metro':
      return lang === 'zh' ? '地铁' : 'metro';
    case 'bus':
      return lang === 'zh' ? '公交' : 'bus';
    case 'other':
      return lang === 'zh' ? '乘车' : 'ride';
  }
}

export function journeyText(lang: Language, j: Journey): string {
  switch (j.kind) {
    case 'journey':
      return lang === 'zh'
        ? `${when(lang, j.entry.time)} ${where(lang, j.entry)}进站，${exitWhen(lang, j.entry, j.exit)} ${where(lang, j.exit)}出站，${formatYuan(lang, j.entry.amount + j.exit.amount)}`
        : `${when(lang, j.entry.time)} entered ${where(lang, j.entry)}, ${exitWhen(lang, j.entry, j.exit)} exited ${where(lang, j.exit)}, ${formatYuan(lang, j.entry.amount + j.exit.amount)}`;
    case 'entry-only':
      return lang === 'zh'
        ? `${when(lang, j.entry.time)} ${where(lang, j.entry)}进站，没有出站记录`
        : `${when(lang, j.entry.time)} entered ${where(lang, j.entry)}, no exit recorded`;
    case 'exit-only':
      return lang === 'zh'
        ? `${when(lang, j.exit.time)} ${where(lang, j.exit)}出站（没有进站记录），${formatYuan(lang, j.exit.amount)}`
        : `${when(lang, j.exit.time)} exited ${where(lang, j.exit)} (no entry recorded), ${formatYuan(lang, j.exit.amount)}`;
    case 'single':
      return lang === 'zh'
        ? `${when(lang, j.trip.time)} ${modeWord(lang, j.trip)} ${where(lang, j.trip)}，${formatYuan(lang, j.trip.amount)}`
        : `${when(lang, j.trip.time)} ${modeWord(lang, j.trip)} at ${where(lang, j.trip)}, ${formatYuan(lang, j.trip.amount)}`;
  }
}

function firstStep(j: Journey): CardTrip {
  switch (j.kind) {
    case 'journey':
    case 'entry-only':
      return j.entry;
    case 'exit-only':
      return j.exit;
    case 'single':
      return j.trip;
  }
}

export function journeyAmount(j: Journey): number {
  switch (j.kind) {
    case 'journey':
      return j.entry.amount + j.exit.amount;
    case 'entry-only':
      return j.entry.amount;
    case 'exit-only':
      return j.exit.amount;
    case 'single':
      return j.trip.amount;
  }
}

/** The screen lines for a card's trip records, newest first. */
export function tripLines(lang: Language, trips: readonly CardTrip[]): TripLine[] {
  return pairJourneys(trips).map((j) => {
    const first = firstStep(j);
    return {
      text: journeyText(lang, j),
      dateText: formatDate(lang, first.time),
      open: j.kind === 'entry-only' && j.open,
      amount: journeyAmount(j),
      time: first.time,
    };
  });
}
