/**
 * Trip records (entry/exit steps) paired into journeys and told in plain words:
 * "Entered Line 1 Tiyu Xilu 08:12, exited Line 3 Kecun 08:40, 4.00 yuan" /
 * "08:12 体育西路 进站（1号线），08:40 客村 出站（3号线），4.00 元".
 */
import type { CardTrip } from '../../shared/card.js';
import type { Language, TripLine } from '../../shared/ui-protocol.js';
import { formatClock, formatDate, formatYuan } from './format.js';
import { stationLabel } from './stations.js';

export type Journey =
  | { readonly kind: 'journey'; readonly entry: CardTrip; readonly exit: CardTrip }
  /** An entry with no exit after it. `open` when it is the newest step on the card. */
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
        out.push({ kind: 'entry-only', entry: step, open: next === undefined });
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
  const s = stationLabel(lang, t.cityCode, t.station);
  if (s.line === null) return s.name;
  return lang === 'zh' ? `${s.name}（${s.line}号线）` : `Line ${s.line} ${s.name}`;
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
        ? `${formatClock(j.entry.time)} ${where(lang, j.entry)} 进站，${formatClock(j.exit.time)} ${where(lang, j.exit)} 出站，${formatYuan(lang, j.entry.amount + j.exit.amount)}`
        : `Entered ${where(lang, j.entry)} ${formatClock(j.entry.time)}, exited ${where(lang, j.exit)} ${formatClock(j.exit.time)}, ${formatYuan(lang, j.entry.amount + j.exit.amount)}`;
    case 'entry-only':
      return lang === 'zh'
        ? `${formatClock(j.entry.time)} ${where(lang, j.entry)} 进站，${j.open ? '尚未出站' : '没有出站记录'}`
        : `Entered ${where(lang, j.entry)} ${formatClock(j.entry.time)}, ${j.open ? 'not exited yet' : 'no exit recorded'}`;
    case 'exit-only':
      return lang === 'zh'
        ? `${formatClock(j.exit.time)} ${where(lang, j.exit)} 出站（没有进站记录），${formatYuan(lang, j.exit.amount)}`
        : `Exited ${where(lang, j.exit)} ${formatClock(j.exit.time)} (no entry recorded), ${formatYuan(lang, j.exit.amount)}`;
    case 'single':
      return lang === 'zh'
        ? `${formatClock(j.trip.time)} ${modeWord(lang, j.trip)} ${where(lang, j.trip)}，${formatYuan(lang, j.trip.amount)}`
        : `${modeWord(lang, j.trip)[0]!.toUpperCase()}${modeWord(lang, j.trip).slice(1)} at ${where(lang, j.trip)} ${formatClock(j.trip.time)}, ${formatYuan(lang, j.trip.amount)}`;
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
