import type { FaqArticle } from '../../shared/sync.js';
import type { CentralStorage } from '../storage/types.js';

type DemoArticle = Omit<FaqArticle, 'updatedAt'>;

/** FAQ articles central seeds on its first start, so a fresh kiosk has something to show. */
export const DEMO_FAQ: readonly DemoArticle[] = [
  {
    id: 'lost-card',
    category: 'card',
    title: { zh: '交通卡丢失了怎么办？', en: 'I lost my transit card' },
    body: {
      zh: '记名卡可凭身份证件到客服中心办理挂失，挂失后卡内余额可转入新卡。不记名卡无法挂失，请妥善保管。',
      en: 'A registered card can be reported lost at a customer service centre with your ID; the balance moves to a new card. Anonymous cards cannot be blocked, so keep them safe.',
    },
  },
  {
    id: 'refund',
    category: 'card',
    title: { zh: '如何退卡和退押金？', en: 'How do I return a card and get my deposit back?' },
    body: {
      zh: '完好的卡可在发卡网点办理退卡，退还押金和余额，可能收取少量手续费。卡面损坏或无法读取时，需登记后等待核实余额。',
      en: 'Return an undamaged card at an issuing counter to get the deposit and balance back; a small fee may apply. A damaged or unreadable card is registered first and refunded once the balance is checked.',
    },
  },
  {
    id: 'open-trip',
    category: 'gate',
    title: { zh: '出站时闸机提示“无进站记录”', en: 'The exit gate says there is no entry record' },
    body: {
      zh: '上次进站时可能未成功刷卡，或上次出站未完成。请到客服中心或本终端提交工单，工作人员会更新卡内行程记录。',
      en: 'Your last entry may not have registered, or your last exit did not complete. Ask at the service centre or file a ticket here; staff will update the trip record on the card.',
    },
  },
  {
    id: 'gate-refused',
    category: 'gate',
    title: { zh: '闸机不识别我的卡', en: 'The gate does not accept my card' },
    body: {
      zh: '请将卡平放在感应区停留1秒，不要与其他卡叠放。若仍无法通过，可在本终端刷卡查看卡片状态（余额不足、过期、黑名单等）。',
      en: 'Hold the card flat on the reader for a second, away from other cards. If it still fails, tap it on this kiosk to see why (low balance, expired, blocked…).',
    },
  },
  {
    id: 'top-up',
    category: 'card',
    title: { zh: '在哪里充值？', en: 'Where can I top up?' },
    body: {
      zh: '可在车站自动售票机、客服中心充值，也可使用支持NFC的手机在官方App中充值。本终端只能查询，不能充值。',
      en: 'Top up at ticket machines or the service centre, or with an NFC phone in the official app. This kiosk shows your balance but cannot top up.',
    },
  },
  {
    id: 'student-card',
    category: 'card',
    title: { zh: '学生卡优惠如何办理和年审？', en: 'Student card discounts and yearly checks' },
    body: {
      zh: '学生卡需凭学生证和身份证件在指定网点办理，每年需年审一次。年审过期后按普通卡扣费。',
      en: 'Student cards are issued at designated counters with a student ID and an identity document, and must be renewed every year. After expiry the normal fare applies.',
    },
  },
  {
    id: 't-union-other-cities',
    category: 't-union',
    title: { zh: '交通联合卡能在其他城市使用吗？', en: 'Can I use a T-Union card in other cities?' },
    body: {
      zh: '卡面带有“交通联合”标识的卡可在全国三百多个互联互通城市乘坐地铁和公交，优惠政策以当地为准。',
      en: 'Cards with the T-Union (交通联合) logo work on metros and buses in more than 300 cities; discounts follow local rules.',
    },
  },
  {
    id: 'receipt',
    category: 'service',
    title: { zh: '如何获取乘车发票？', en: 'How do I get a receipt (fapiao)?' },
    body: {
      zh: '充值发票可在客服中心或官方App中开具。本终端提交工单后可打印带二维码的回执，用于查询处理进度。',
      en: 'Top-up fapiao are issued at the service centre or in the official app. After filing a ticket here you can print a slip with a QR code to follow it.',
    },
  },
  {
    id: 'negative-balance',
    category: 'card',
    title: { zh: '卡内余额为负数', en: 'My balance is negative' },
    body: {
      zh: '部分城市允许透支一次乘车。充值后负余额会自动抵扣，抵扣后才能再次进站。',
      en: 'Some cities allow one trip on credit. Topping up clears the negative balance; you can enter again once it is cleared.',
    },
  },
  {
    id: 'card-expired',
    category: 'card',
    title: { zh: '卡片过期了怎么办？', en: 'My card has expired' },
    body: {
      zh: '过期卡可到客服中心办理延期或换卡，卡内余额不会丢失。',
      en: 'Take an expired card to the service centre to extend or replace it; the balance is kept.',
    },
  },
  {
    id: 'lost-property',
    category: 'service',
    title: { zh: '在车站或车厢遗失物品', en: 'I left something on a train or in a station' },
    body: {
      zh: '请在本终端提交“车站设施”类工单，写明时间、线路和物品特征，或拨打服务热线。',
      en: 'File a station-facility ticket here with the time, line and a description of the item, or call the service hotline.',
    },
  },
  {
    id: 'overcharged',
    category: 'fare',
    title: { zh: '扣费金额不对', en: 'I was charged the wrong fare' },
    body: {
      zh: '在本终端刷卡可查看最近的乘车记录。如发现重复扣费或超时扣费，请提交工单，核实后将退回差额。',
      en: 'Tap your card here to see recent trips. If you were charged twice or for overstaying, file a ticket; the difference is refunded once checked.',
    },
  },
];

/** Seeds the demo FAQ when there is none yet; returns how many articles it wrote. */
export async function seedDemoFaq(storage: CentralStorage, now: Date): Promise<number> {
  if ((await storage.listFaq()).length > 0) return 0;
  for (const article of DEMO_FAQ) await storage.putFaq({ ...article, updatedAt: now.toISOString() });
  return DEMO_FAQ.length;
}
