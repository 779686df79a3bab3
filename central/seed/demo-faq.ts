import type { FaqArticle } from '../../shared/sync.js';
import type { CentralStorage } from '../storage/types.js';

type DemoArticle = Omit<FaqArticle, 'updatedAt'>;

/** An article body: paragraphs, separated by a blank line as the kiosk splits them. */
const paragraphs = (...text: string[]): string => text.join('\n\n');

/**
 * The help articles central seeds on its first start in the demo, so a fresh kiosk has the
 * questions a metro passenger asks most: an expired or blocked card, a trip left open, low
 * balance and top-up, a card of another city, a lost card, refunds, receipts, gates that refuse
 * or fault, and help for passengers who need it. They say what to do and where, without rules
 * that differ between cities (fees, deadlines): those the operator writes into its own articles
 * and imports (`central faq import FILE`, docs/central.md).
 */
export const DEMO_FAQ: readonly DemoArticle[] = [
  {
    id: 'card-expired',
    category: 'card',
    title: { zh: '卡片过期了怎么办？', en: 'My card has expired' },
    body: {
      zh: paragraphs(
        '每张交通卡都有有效期。过期后闸机会拒绝这张卡，但卡内的余额不会因此消失。',
        '在本终端刷卡，可以看到卡片的有效期。如果显示“已过期”，请带着这张卡到车站客服中心，工作人员会为您办理延期或换新卡，原卡余额会转到新卡或继续保留。',
        '学生卡、长者卡等优惠卡的有效期可能另有规定，需要按时年审或重新核验身份；过期后一般按普通卡扣费，办理时请带上相关证件。',
        '如果卡片有效期看起来不对，或在客服中心办理遇到困难，可以在本终端点“问题反馈”提交工单，或点“联系人工客服”。',
      ),
      en: paragraphs(
        'Every transit card has an expiry date. After it, the gates refuse the card, but the money on it is not lost.',
        'Tap the card on this kiosk to see its validity date. If it says the card has expired, take it to a station customer service centre: staff will extend it or give you a new card, and the balance is kept or moved to the new card.',
        'Discount cards (student, senior) may have their own dates and need a yearly check of who holds them; after that date the normal fare usually applies. Bring the documents the discount needs.',
        'If the date looks wrong, or the service centre cannot help, tap "Report a problem" on this kiosk to file a ticket, or tap "Talk to an agent".',
      ),
    },
  },
  {
    id: 'card-blocked',
    category: 'card',
    title: { zh: '卡片被停用（黑名单）', en: 'My card is blocked' },
    body: {
      zh: paragraphs(
        '被停用的卡无法进出闸机。常见原因有：卡片已挂失、卡片被发现复制或异常使用、欠费未补、或发卡机构因安全原因停用了这张卡。',
        '在本终端刷卡，如果显示“此卡已被停用”，请不要反复在闸机上刷，这不会解除停用。',
        '请点“联系人工客服”，客服人员可以告诉您停用的原因和处理办法；也可以带上卡片和身份证件到车站客服中心办理。',
        '如果是您自己挂失后又找回的卡，一般不能再使用，请到客服中心按挂失补卡办理。',
      ),
      en: paragraphs(
        'A blocked card cannot pass the gates. The usual reasons: it was reported lost, it was found copied or used in an unusual way, a debt on it was not paid, or the card issuer stopped it for safety.',
        'If this kiosk says the card is blocked, please do not keep trying it at the gates: that does not unblock it.',
        'Tap "Talk to an agent": the agent can tell you why it was blocked and what to do next. You can also take the card and your ID to a station customer service centre.',
        'A card you reported lost and then found again usually stays blocked; the service centre will handle it as a replacement.',
      ),
    },
  },
  {
    id: 'open-trip',
    category: 'gate',
    title: { zh: '进站或出站没有记录（行程未完成）', en: 'A trip was left open: entry or exit not recorded' },
    body: {
      zh: paragraphs(
        '每次乘车，卡上会记下进站和出站。如果进站时没有刷成功，或出站时闸机没有扣费就放行了，卡上就会留下一次“未完成的行程”。',
        '下次使用时，闸机可能拒绝通行（例如提示“无进站记录”或“已在站内”），或在下次出站时按最高票价扣费。',
        '在本终端刷卡，可以看到是否有未完成的行程，以及它发生的日期、时间和车站。',
        '如果您确实已经出站，请在本终端点“问题反馈”提交工单（会附上卡片信息），或到车站客服中心请工作人员更正卡内记录；多扣的费用核实后会退还。如果着急进站，请向车站工作人员求助。',
      ),
      en: paragraphs(
        'Every ride writes an entry and an exit on the card. If the entry tap did not register, or a gate let you out without charging, the card keeps an "unfinished trip".',
        'Next time, a gate may refuse the card (for example "no entry record" or "already inside"), or charge the maximum fare at your next exit.',
        'Tap the card on this kiosk to see whether a trip is left open, with its date, time and station.',
        'If you did leave the station, tap "Report a problem" here to file a ticket (the card details are attached), or ask at the customer service centre to have the record corrected; anything charged too much is refunded once checked. If you need to enter now, ask station staff.',
      ),
    },
  },
  {
    id: 'top-up',
    category: 'card',
    title: { zh: '余额不足，在哪里充值？', en: 'Low balance: where can I top up?' },
    body: {
      zh: paragraphs(
        '进站时卡内余额需要够付一次乘车，余额不足时闸机会拒绝进站，或提示您尽快充值。在本终端刷卡可以查看当前余额和最近的交易。',
        '可以在车站的自动售票机、客服中心充值。支持手机充值的卡，也可以把卡贴在支持 NFC 的手机上，在发卡机构的官方 App 中充值。',
        '本终端只能查询，不能充值。',
        '充值后余额没有变化，或充值扣了钱但卡上没有到账，请保留付款记录，在本终端点“问题反馈”提交工单，或到客服中心查询。',
      ),
      en: paragraphs(
        'To enter, the card needs enough money for one ride; with too little, the gate refuses it or asks you to top up soon. Tap the card here to see its balance and recent transactions.',
        'Top up at the station\'s ticket machines or at the customer service centre. Cards that allow it can also be topped up with an NFC phone in the card issuer\'s official app.',
        'This kiosk shows your balance but cannot top up.',
        'If a top-up was paid but does not show on the card, keep the payment record and tap "Report a problem" to file a ticket, or ask at the service centre.',
      ),
    },
  },
  {
    id: 'negative-balance',
    category: 'fare',
    title: { zh: '卡内余额为负数', en: 'My balance is negative' },
    body: {
      zh: paragraphs(
        '有些城市的交通卡允许在余额不足时先完成一次乘车，出站后余额就会变成负数。',
        '余额为负时不能再进站。充值时会先抵扣负数部分，抵扣后余额为正才能再次使用。',
        '如果您认为负数金额不对，可以在本终端刷卡查看最近的乘车和交易记录，再点“问题反馈”提交工单。',
      ),
      en: paragraphs(
        'In some cities a card with too little money may still finish one ride; after the exit its balance is negative.',
        'A card with a negative balance cannot enter. A top-up first pays off the negative amount; once the balance is above zero the card works again.',
        'If the negative amount looks wrong, tap the card here to see recent rides and transactions, then tap "Report a problem" to file a ticket.',
      ),
    },
  },
  {
    id: 't-union-other-cities',
    category: 't-union',
    title: { zh: '外地的卡能在这里用吗？', en: 'Does a card from another city work here?' },
    body: {
      zh: paragraphs(
        '卡面上有“交通联合”标识的卡（交通联合卡）可以在全国三百多个互联互通城市乘坐地铁和公交，本站也可以使用。优惠政策（例如换乘优惠、学生或长者优惠）一般按当地规定，外地卡可能不享受。',
        '没有“交通联合”标识的外地城市卡，一般只能在发卡城市使用，本站的闸机不收。少数城市之间另有互通协议，以车站公告为准。',
        '不确定时，请在本终端刷卡：屏幕会告诉您这张卡能否在本站使用，以及原因。',
        '不能使用时，可以在自动售票机购买单程票，或使用手机扫码乘车（如本站支持）。',
      ),
      en: paragraphs(
        'Cards with the T-Union logo (交通联合) work on metros and buses in more than three hundred cities across China, this station included. Local discounts (transfers, student or senior fares) follow local rules and may not apply to a card from elsewhere.',
        'A city card without the T-Union logo usually works only in the city that issued it, and this station\'s gates do not take it. A few cities have agreements of their own; the station\'s notices say which.',
        'If you are not sure, tap the card on this kiosk: the screen tells you whether it works at this station, and why.',
        'If it does not, buy a single-journey ticket at a ticket machine, or pay with a phone QR code where the station takes it.',
      ),
    },
  },
  {
    id: 'lost-card',
    category: 'card',
    title: { zh: '交通卡丢失了怎么办？', en: 'I lost my transit card' },
    body: {
      zh: paragraphs(
        '记名卡（办卡时登记了身份证件的卡）可以挂失。请尽快带上身份证件到客服中心或通过发卡机构的官方渠道办理挂失，挂失后别人无法再使用这张卡。',
        '挂失后可以补办新卡，原卡余额在核实后转入新卡。挂失生效前被使用的金额一般无法找回，所以越早挂失越好。',
        '不记名卡无法挂失，丢失后卡内余额也无法找回，请妥善保管。',
        '如果是在车站或列车上丢的，也可以在本终端点“问题反馈”，选择“车站设施”，写明时间、线路和卡片特征，工作人员捡到后会联系您。',
      ),
      en: paragraphs(
        'A registered card (one issued with your ID) can be reported lost. Report it as soon as you can at a customer service centre with your ID, or through the card issuer\'s official channels; after that nobody else can use it.',
        'You can then get a replacement card, and the balance moves to it once checked. Money spent before the report took effect usually cannot be recovered, so report it early.',
        'An anonymous card cannot be reported lost, and its balance cannot be recovered: please keep it safe.',
        'If you lost it in a station or on a train, you can also tap "Report a problem" here, choose "Station facility" and say when, on which line, and what the card looks like; staff will contact you if it is found.',
      ),
    },
  },
  {
    id: 'refund',
    category: 'card',
    title: { zh: '如何退卡、退余额？', en: 'How do I return a card and get my money back?' },
    body: {
      zh: paragraphs(
        '完好的卡可以在发卡网点或客服中心办理退卡，退还卡内余额；办卡时收过押金的，押金一并退还。部分卡可能收取少量手续费，具体以发卡机构规定为准。',
        '卡面损坏或无法读取的卡，需要先登记，发卡机构核实卡内余额后再退款，通常需要等待一段时间。',
        '优惠卡（学生卡、长者卡等）和记名卡退卡时，请带上身份证件。',
        '如果是乘车多扣了费用，不需要退卡：请在本终端刷卡查看乘车记录，点“问题反馈”提交工单，核实后会退还差额。',
      ),
      en: paragraphs(
        'An undamaged card can be returned at an issuing counter or a customer service centre to get its balance back, and the deposit if one was paid. A small fee may apply, as the card issuer decides.',
        'A damaged or unreadable card is registered first; the money is refunded once the issuer has checked the balance, which takes some time.',
        'Bring your ID to return a discount card (student, senior) or a registered card.',
        'If a ride was charged too much, you do not need to return the card: tap it here to see your rides, and tap "Report a problem" to file a ticket; the difference is refunded once checked.',
      ),
    },
  },
  {
    id: 'receipt',
    category: 'service',
    title: { zh: '如何开发票或拿收据？', en: 'How do I get a receipt or an invoice (fapiao)?' },
    body: {
      zh: paragraphs(
        '交通卡的发票一般在充值时开具：在客服中心充值时可以当场索取，通过官方 App 充值的，可以在 App 的充值记录里申请电子发票。乘车扣款时一般不再另开发票。',
        '单程票的发票或报销凭证，请到车站客服中心索取。',
        '在本终端提交工单后，可以打印一张带二维码的回执。它只用于查询工单处理进度，不是发票。',
        '开票遇到问题，可以点“问题反馈”，选择“服务投诉”或“建议”提交工单。',
      ),
      en: paragraphs(
        'Invoices (fapiao) for a transit card are usually issued for top-ups: ask for one when you top up at the service centre, or request an electronic one from the top-up record in the official app. Rides paid from the card usually get no separate invoice.',
        'For a single-journey ticket, ask for an invoice or a receipt at the station\'s customer service centre.',
        'When you file a ticket on this kiosk you can print a slip with a QR code. It is for following your ticket, not an invoice.',
        'If you cannot get an invoice, tap "Report a problem" and choose "Staff or service complaint" or "Suggestion".',
      ),
    },
  },
  {
    id: 'gate-refused',
    category: 'gate',
    title: { zh: '闸机不识别我的卡', en: 'The gate does not accept my card' },
    body: {
      zh: paragraphs(
        '请把卡平放在闸机的感应区上，停留约一秒，不要和其他卡、手机或钱包里的银行卡叠在一起。',
        '如果闸机仍然拒绝，屏幕或指示灯通常会提示原因。常见原因有：余额不足、卡片过期、卡片被停用、上次行程没有完成、或这张卡不能在本站使用。',
        '在本终端刷卡，屏幕会用文字告诉您这张卡的具体问题和处理办法。',
        '如果本终端显示卡片正常，但闸机仍然不让通过，请点“问题反馈”，选择“闸机”，写明是哪个闸机、什么时间；或直接向车站工作人员求助。',
      ),
      en: paragraphs(
        'Hold the card flat on the gate\'s reader for about a second, away from other cards, phones and bank cards in the same wallet.',
        'If the gate still refuses it, its screen or lights usually say why. The common reasons: too little money, an expired card, a blocked card, an unfinished last trip, or a card that does not work at this station.',
        'Tap the card on this kiosk: the screen tells you in words what is wrong with it and what to do.',
        'If this kiosk says the card is fine but the gate still refuses it, tap "Report a problem", choose "Gate", and say which gate and when; or ask station staff.',
      ),
    },
  },
  {
    id: 'gate-fault',
    category: 'gate',
    title: { zh: '闸机扣了钱却没有开门，或把我夹住了', en: 'The gate charged me but did not open, or closed on me' },
    body: {
      zh: paragraphs(
        '如果闸机扣了费却没有打开，请不要再次刷卡，以免重复扣费。请向车站工作人员说明，他们会从旁边的通道放行并记录。',
        '如果闸门关得太早、碰到了您或您的行李，请先确认自己没有受伤；如有不适，请马上告诉车站工作人员。',
        '之后可以在本终端刷卡查看扣费记录，再点“问题反馈”，选择“闸机”，写明时间、哪个闸机和发生了什么。重复扣费或多扣的费用核实后会退还。',
        '携带大件行李、推婴儿车或使用轮椅时，请走宽通道闸机，或请工作人员协助。',
      ),
      en: paragraphs(
        'If a gate charged you but did not open, do not tap again, or you may be charged twice. Tell station staff: they will let you through the side gate and note it.',
        'If a gate closed too early and hit you or your luggage, first make sure you are not hurt; if you are, tell station staff at once.',
        'Then tap the card here to see the charge, and tap "Report a problem", choose "Gate", and say when, which gate and what happened. A double or wrong charge is refunded once checked.',
        'With large luggage, a pushchair or a wheelchair, use the wide gate, or ask staff for help.',
      ),
    },
  },
  {
    id: 'accessibility',
    category: 'service',
    title: { zh: '需要帮助出行（轮椅、视障、年长乘客）', en: 'Help getting around: wheelchairs, low vision, older passengers' },
    body: {
      zh: paragraphs(
        '车站设有无障碍电梯、宽通道闸机和盲道。乘坐轮椅、推婴儿车或行动不便的乘客，可以请车站工作人员带您进站、上车，并通知到达站的工作人员接应。',
        '需要帮助时，请到客服中心，或在本终端点“联系人工客服”，告诉我们您要去哪一站、大概什么时间出发。',
        '本终端屏幕右上角的“大字”按钮可以把文字放大；“English / 中文”按钮可以切换语言。看不清屏幕或不方便操作时，请直接向车站工作人员求助。',
        '如果无障碍电梯或设施无法使用，请点“问题反馈”，选择“车站设施”告诉我们，我们会尽快处理。',
      ),
      en: paragraphs(
        'Stations have lifts, wide gates and tactile paving. If you use a wheelchair, push a pushchair or find walking hard, station staff can take you through the gates and onto the train, and ask the staff at your destination to meet you.',
        'For help, go to the customer service centre, or tap "Talk to an agent" on this kiosk and tell us where you are going and roughly when.',
        'The "Large text" button at the top right of this screen makes the words bigger; the "English / 中文" button changes the language. If the screen is hard to read or use, please ask station staff.',
        'If a lift or another facility is out of order, tap "Report a problem", choose "Station facility" and tell us; we will see to it as soon as we can.',
      ),
    },
  },
  {
    id: 'student-card',
    category: 'card',
    title: { zh: '学生卡优惠如何办理和年审？', en: 'Student card discounts and yearly checks' },
    body: {
      zh: paragraphs(
        '学生卡需要凭学生证和身份证件，在发卡机构指定的网点办理。',
        '学生卡每年需要年审一次，确认持卡人仍是学生。年审过期后，这张卡按普通卡扣费，余额不受影响。',
        '在本终端刷卡可以看到卡片类型和有效期。年审和办理的具体时间、地点，请以发卡机构的公告为准。',
      ),
      en: paragraphs(
        'Student cards are issued at the card issuer\'s designated counters, with a student card and an identity document.',
        'A student card must be checked once a year to confirm the holder is still a student. After the check date passes, the normal fare applies; the balance is not affected.',
        'Tap the card here to see its type and validity date. The card issuer\'s notices say when and where to have it checked.',
      ),
    },
  },
  {
    id: 'overcharged',
    category: 'fare',
    title: { zh: '扣费金额不对', en: 'I was charged the wrong fare' },
    body: {
      zh: paragraphs(
        '在本终端刷卡，可以看到最近的乘车记录和扣费金额，每一条都有日期和时间。',
        '常见的多扣原因有：同一次乘车被扣了两次、上次行程没有完成而被按最高票价扣费、或在站内停留超过规定时间被加收费用。',
        '如果发现扣费不对，请点“问题反馈”，选择“交通卡问题”，写明哪一天哪一次乘车；工单会附上卡片信息，核实后将退回差额。',
      ),
      en: paragraphs(
        'Tap your card on this kiosk to see recent rides and what each one cost, each with its date and time.',
        'Common reasons for a wrong charge: one ride charged twice, a maximum fare because the last trip was left open, or a surcharge for staying inside the stations longer than allowed.',
        'If a charge is wrong, tap "Report a problem", choose "Transit card problem", and say which ride on which day; the ticket carries the card details, and the difference is refunded once checked.',
      ),
    },
  },
  {
    id: 'lost-property',
    category: 'service',
    title: { zh: '在车站或车厢遗失物品', en: 'I left something on a train or in a station' },
    body: {
      zh: paragraphs(
        '发现物品遗失后，请尽快告诉车站工作人员，说明乘坐的线路、方向、大概时间和车厢位置，越早越容易找回。',
        '也可以在本终端点“问题反馈”，选择“车站设施”，写明时间、线路和物品特征，并留下手机号码，工作人员找到后会联系您。',
        '证件、手机、钱包等贵重物品找到后，需要本人凭身份证件到指定地点领取。',
      ),
      en: paragraphs(
        'Tell station staff as soon as you notice, with the line, direction, rough time and where in the train you sat: the sooner, the likelier it is found.',
        'You can also tap "Report a problem" here, choose "Station facility", describe when, on which line and what the item looks like, and leave a mobile number; staff will call you when it is found.',
        'Documents, phones, wallets and other valuables are collected in person with an identity document at the place staff tell you.',
      ),
    },
  },
];

/** Seeds the demo FAQ when there is none yet; returns how many articles it wrote. */
export async function seedDemoFaq(storage: CentralStorage, now: Date): Promise<number> {
  if ((await storage.listFaq()).length > 0) return 0;
  for (const article of DEMO_FAQ) await storage.putFaq({ ...article, updatedAt: now.toISOString() });
  return DEMO_FAQ.length;
}
