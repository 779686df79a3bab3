/** Plain words for card facts: transactions, diagnoses, read errors, family, city, holder type. */
import type { CardHolderType, CardReadErrorCode, CardTransaction, Diagnosis } from '../../shared/card.js';
import type { DiagnosisLine, Language, TransactionLine } from '../../shared/ui-protocol.js';
import { formatClock, formatDate, formatDateTime, formatYuan } from '../../shared/format.js';
import { placeLabel } from './stations.js';

import { familyLabel } from '../../shared/words.js';

export { familyLabel };

type Bi = { readonly zh: string; readonly en: string };
const pick = (lang: Language, b: Bi) => (lang === 'zh' ? b.zh : b.en);

const CITIES: Readonly<Record<string, Bi>> = {
  '1000': { zh: '北京', en: 'Beijing' },
  '2900': { zh: '上海', en: 'Shanghai' },
  '3000': { zh: '天津', en: 'Tianjin' },
  '4520': { zh: '青岛', en: 'Qingdao' },
  '5810': { zh: '广州', en: 'Guangzhou' },
  '5840': { zh: '深圳', en: 'Shenzhen' },
  '5210': { zh: '武汉', en: 'Wuhan' },
};

/** City name for a GB/T 13497-style code, or null when the kiosk does not know the code. */
export function knownCityLabel(lang: Language, cityCode: string): string | null {
  const c = CITIES[cityCode];
  return c ? pick(lang, c) : null;
}

/** City name for a GB/T 13497-style code, or "another city" (never the code itself). */
export function cityLabel(lang: Language, cityCode: string): string {
  return knownCityLabel(lang, cityCode) ?? (lang === 'zh' ? '其他城市' : 'another city');
}

const HOLDERS: Readonly<Record<Exclude<CardHolderType, 'normal' | 'unknown'>, Bi>> = {
  student: { zh: '学生卡', en: 'Student card' },
  elderly: { zh: '长者卡', en: 'Senior card' },
  test: { zh: '测试卡', en: 'Test card' },
  military: { zh: '军人卡', en: 'Military card' },
};

/** Plain words for a special holder type; null for normal/unknown cards. */
export function holderLabel(lang: Language, holder: CardHolderType): string | null {
  return holder === 'normal' || holder === 'unknown' ? null : pick(lang, HOLDERS[holder]);
}

export function transactionLine(lang: Language, t: CardTransaction): TransactionLine {
  const at = formatDateTime(lang, t.time);
  const money = formatYuan(lang, t.amount);
  let text: string;
  switch (t.kind) {
    case 'top-up':
      text = lang === 'zh' ? `${at} 充值 ${money}` : `${at} top-up, ${money}`;
      break;
    case 'trip':
      text = lang === 'zh' ? `${at} 乘车扣款 ${money}` : `${at} fare paid, ${money}`;
      break;
    case 'purchase':
      text = lang === 'zh' ? `${at} 消费 ${money}` : `${at} purchase, ${money}`;
      break;
    case 'other':
      text = lang === 'zh' ? `${at} 其他交易 ${money}` : `${at} other transaction, ${money}`;
      break;
  }
  return { text, dateText: formatDate(lang, t.time), amount: t.kind === 'top-up' ? t.amount : -t.amount, time: t.time };
}

/** Every transaction as a screen line, newest first (a card keeps them newest first too, but a list is sorted, not trusted). */
export function transactionLines(lang: Language, transactions: readonly CardTransaction[]): TransactionLine[] {
  const at = (t: CardTransaction) => (t.time === null ? Number.NEGATIVE_INFINITY : Date.parse(t.time));
  return [...transactions].sort((a, b) => at(b) - at(a)).map((t) => transactionLine(lang, t));
}

/** Diagnosis → title and advice in plain words, with what the screen should offer. */
export function diagnosisLine(lang: Language, d: Diagnosis): DiagnosisLine {
  switch (d.code) {
    case 'expired':
      return {
        code: d.code,
        severity: 'problem',
        title: lang === 'zh' ? `卡片已于 ${formatDate(lang, d.validUntil)} 过期` : `This card expired on ${formatDate(lang, d.validUntil)}`,
        advice:
          lang === 'zh'
            ? '请到车站客服中心办理换卡或延期，卡内余额会保留。'
            : 'Renew it at a station customer service centre; the balance on it is kept.',
        offerAgent: false,
        offerReport: false,
      };
    case 'not-yet-valid':
      return {
        code: d.code,
        severity: 'problem',
        title: lang === 'zh' ? `卡片自 ${formatDate(lang, d.validFrom)} 起才能使用` : `This card can be used from ${formatDate(lang, d.validFrom)}`,
        advice: lang === 'zh' ? '如果日期不对，请到客服中心查询。' : 'If that date is wrong, ask at the customer service centre.',
        offerAgent: false,
        offerReport: true,
      };
    case 'blocked':
      return {
        code: d.code,
        severity: 'problem',
        title: lang === 'zh' ? '此卡已被停用' : 'This card is blocked',
        advice: lang === 'zh' ? '请联系人工客服，他们会说明原因和处理办法。' : 'Talk to an agent: they can tell you why and what to do next.',
        offerAgent: true,
        offerReport: false,
      };
    case 'open-trip': {
      const s = placeLabel(lang, d.entry.cityCode, d.entry.station);
      const when = `${formatDate(lang, d.entry.time)} ${formatClock(d.entry.time)}`;
      return {
        code: d.code,
        severity: 'warning',
        title: lang === 'zh' ? `有一次未完成的行程：${when}在${s}进站，没有出站记录` : `Unfinished trip: entered ${s} on ${when} with no exit`,
        advice:
          lang === 'zh'
            ? '下次过闸时可能按最高票价扣费，或闸机拒绝通行。如果您已经出站，可以提交工单或联系人工客服更正。'
            : 'The next gate will charge the maximum fare or refuse the card. If you did leave the station, file a ticket or talk to an agent to have it corrected.',
        offerAgent: true,
        offerReport: true,
      };
    }
    case 'low-balance':
      return {
        code: d.code,
        severity: 'warning',
        title: lang === 'zh' ? `余额不足：${formatYuan(lang, d.balance)}` : `Low balance: ${formatYuan(lang, d.balance)}`,
        advice:
          lang === 'zh'
            ? '请在车站自动售票机、客服中心或手机应用充值。'
            : "Top up at a ticket machine or the customer service centre in the station, or in your card's mobile app.",
        offerAgent: false,
        offerReport: false,
      };
    case 'negative-balance':
      return {
        code: d.code,
        severity: 'problem',
        title: lang === 'zh' ? `余额为负：${formatYuan(lang, d.balance)}` : `Negative balance: ${formatYuan(lang, d.balance)}`,
        advice:
          lang === 'zh'
            ? `卡片欠费 ${formatYuan(lang, -d.balance)}，请先充值，否则闸机不会放行。`
            : `The card owes ${formatYuan(lang, -d.balance)}; top it up first or the gates will not let it through.`,
        offerAgent: false,
        offerReport: false,
      };
    case 'not-accepted': {
      const card = familyLabel(lang, d.family);
      const here = cityLabel(lang, d.stationCity);
      const zh = lang === 'zh';
      const other = zh ? '在这里乘车，请购买单程票或使用手机乘车码。' : 'To ride here, buy a single-journey ticket or use a ride QR code on your phone.';
      if (d.reason === 't-union-not-accepted') {
        return {
          code: d.code,
          severity: 'problem',
          title: zh ? `本站不受理其他城市的${card}` : `This station does not take ${card}s of other cities`,
          advice: zh ? `${other}卡内余额不受影响。` : `${other} The balance on your card is not affected.`,
          offerAgent: false,
          offerReport: false,
        };
      }
      if (d.reason === 'city-unknown' || d.cardCity === null) {
        return {
          code: d.code,
          severity: 'problem',
          title: zh ? `无法确认这张${card}能否在${here}乘车` : `We cannot tell whether this ${card} works in ${here}`,
          advice: zh
            ? `它不是“交通联合”卡，卡上也没有发卡城市的信息。只有卡面印有“交通联合”标志的卡才能在全国各城市乘车。${other}如有疑问，请联系人工客服。`
            : `It is not a T-Union card, and it does not say which city issued it. Only cards with the T-Union (交通联合) logo work in every city. ${other} If in doubt, talk to an agent.`,
          offerAgent: true,
          offerReport: false,
        };
      }
      const home = cityLabel(lang, d.cardCity);
      return {
        code: d.code,
        severity: 'problem',
        title: zh ? `这张${home}的${card}不能在${here}乘车` : `This ${home} card (${card}) cannot pay for rides in ${here}`,
        advice: zh
          ? `它不是“交通联合”卡，只能在${home}使用。只有卡面印有“交通联合”标志的卡才能在全国各城市乘车。${other}卡内余额不受影响，回到${home}可以继续使用。`
          : `It is not a T-Union card, so it works only in ${home}. Only cards with the T-Union (交通联合) logo work in every city. ${other} The balance stays on the card for use in ${home}.`,
        offerAgent: false,
        offerReport: false,
      };
    }
    case 'other-city': {
      const home = cityLabel(lang, d.cardCity);
      const listed = d.via === 'station-list';
      return {
        code: d.code,
        severity: 'info',
        title: lang === 'zh' ? `这是${home}发行的卡，可以在这里乘车` : `This card was issued in ${home}; it works here`,
        advice:
          lang === 'zh'
            ? `${listed ? `本站受理${home}的卡` : `${home}的交通联合卡在全国互通`}；有关余额或扣费的问题由${home}的发卡机构处理，您提交的工单会转给它。`
            : `${listed ? `This station takes ${home} cards` : `A ${home} card works here through T-Union`}. Questions about its balance or charges go to its home operator in ${home}; a ticket you file here is passed on to them.`,
        offerAgent: false,
        offerReport: true,
      };
    }
  }
}

/** What a passenger is told when a read fails. */
export function cardErrorText(lang: Language, code: CardReadErrorCode): { title: string; advice: string } {
  const zh = lang === 'zh';
  switch (code) {
    case 'unsupported-card':
      return zh
        ? { title: '无法识别此卡', advice: '这不是本终端支持的交通卡。请使用交通联合卡或城市一卡通。如果这是您的交通卡，它可能已损坏：可以报告问题，或联系人工客服。' }
        : {
            title: 'This card is not supported',
            advice: 'This is not a transit card this kiosk can read. Please use a T-Union or city transit card. If it is your transit card, it may be damaged: report it, or talk to an agent.',
          };
    case 'unreadable-card':
    case 'timeout':
      return zh
        ? { title: '读卡没有成功', advice: '请把卡平放在读卡区，保持不动，再试一次。如果多次都读不出，卡片可能已损坏：可以报告问题，或联系人工客服。' }
        : {
            title: 'The card could not be read',
            advice: 'Hold the card flat and still on the reader and try again. If it fails again and again the card may be damaged: report it, or talk to an agent.',
          };
    case 'card-removed':
      return zh
        ? { title: '读卡时卡片被拿开了', advice: '请重新放卡，并保持不动直到显示完成。' }
        : { title: 'The card was removed before the read finished', advice: 'Tap it again and keep it still until the screen says it is done.' };
    case 'reader-gone':
    case 'no-reader':
      return zh
        ? { title: '读卡器暂时不可用', advice: '请联系人工客服或车站工作人员。' }
        : { title: 'The card reader is not available', advice: 'Please talk to an agent or ask station staff.' };
    case 'no-card':
      return zh ? { title: '没有检测到卡片', advice: '请把卡放在读卡区。' } : { title: 'No card found', advice: 'Place your card on the reader.' };
  }
}
