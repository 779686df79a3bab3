/** Common phrases per report category: one tap adds the sentence to the description. */
import type { Choice, Language, ReportCategory } from '../../shared/ui-protocol.js';

type Phrase = { readonly id: string; readonly zh: string; readonly en: string };

export const REPORT_PHRASES: Readonly<Record<ReportCategory, readonly Phrase[]>> = {
  'card-problem': [
    { id: 'charged-twice', zh: '同一次乘车被扣了两次费', en: 'I was charged twice for one trip' },
    { id: 'no-exit-record', zh: '我已出站但卡上没有出站记录', en: 'I left the station but the card shows no exit' },
    { id: 'gate-rejects-card', zh: '闸机不认我的卡', en: 'The gate does not accept my card' },
    { id: 'top-up-missing', zh: '充值后余额没有增加', en: 'My top-up does not show on the card' },
  ],
  gate: [
    { id: 'gate-no-open', zh: '闸机扣费后没有开门', en: 'The gate charged me but did not open' },
    { id: 'gate-closed-early', zh: '闸门关得太快', en: 'The gate closed too early' },
    { id: 'gate-out-of-order', zh: '闸机显示故障', en: 'The gate shows an error' },
  ],
  'ticket-machine': [
    { id: 'tvm-took-money', zh: '售票机收了钱但没有出票', en: 'The ticket machine took my money but gave no ticket' },
    { id: 'tvm-no-change', zh: '售票机没有找零', en: 'The ticket machine gave no change' },
    { id: 'tvm-rejects-notes', zh: '售票机不收纸币', en: 'The ticket machine refuses notes' },
  ],
  'station-facility': [
    { id: 'lift-broken', zh: '电梯停用', en: 'The lift is out of order' },
    { id: 'escalator-broken', zh: '扶梯停运', en: 'The escalator is stopped' },
    { id: 'toilet-dirty', zh: '洗手间需要清洁', en: 'The toilet needs cleaning' },
    { id: 'light-out', zh: '照明坏了', en: 'A light is out' },
  ],
  'staff-complaint': [
    { id: 'staff-rude', zh: '工作人员态度不好', en: 'A member of staff was rude' },
    { id: 'staff-absent', zh: '客服中心没有人', en: 'Nobody was at the service centre' },
  ],
  suggestion: [
    { id: 'more-signs', zh: '希望增加指示标识', en: 'Please add more signs' },
    { id: 'more-seats', zh: '希望增加座椅', en: 'Please add more seats' },
  ],
};

export function reportPhrase(lang: Language, category: ReportCategory, phraseId: string): string | null {
  const p = REPORT_PHRASES[category].find((x) => x.id === phraseId);
  return p ? (lang === 'zh' ? p.zh : p.en) : null;
}

export function reportPhraseChoices(lang: Language, category: ReportCategory): Choice[] {
  return REPORT_PHRASES[category].map((p) => ({ id: p.id, label: lang === 'zh' ? p.zh : p.en }));
}
