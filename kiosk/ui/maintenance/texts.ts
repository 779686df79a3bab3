import type { Language } from '../../../shared/ui-protocol.js';
import { KIOSK_SHARED_WORDS, fillWords, wordsIn, type Words } from '../../../shared/words.js';

/**
 * The technician screens' words, one entry per key with both languages (a key without one of
 * them does not compile): `mt(lang, key, n)`. Words other kiosk screens say as well come from
 * shared/words.ts (`KIOSK_SHARED_WORDS`).
 */
export const MAINTENANCE_WORDS = {
  ...KIOSK_SHARED_WORDS,
  'out-of-service.hint': { zh: '请使用其他客服终端或联系车站工作人员', en: 'Please use another help point or ask station staff' },
  'tap-card': { zh: '请刷维护卡', en: 'Tap the technician card' },
  verifying: { zh: '正在验证维护卡…', en: 'Checking the technician card…' },
  'pin.title': { zh: '请输入维护密码', en: 'Enter your PIN' },
  'pin.checking': { zh: '正在核对…', en: 'Checking…' },
  'pin.wrong': { zh: '密码错误，还可尝试 {0} 次', en: 'Wrong PIN; {0} attempts left' },
  'pin.invalid': { zh: '密码为 4–8 位数字', en: 'A PIN is 4–8 digits' },
  refused: { zh: '无法进入维护模式', en: 'Maintenance mode refused' },
  'refused.not-technician-card': { zh: '这不是维护卡', en: 'This is not a technician card' },
  'refused.card-auth-failed': { zh: '维护卡验证失败（复制卡或错误卡）', en: 'The card failed its check (copied or wrong card)' },
  'refused.unknown-technician': { zh: '此维护人员未在中心登记', en: 'This technician is not enrolled at central' },
  'refused.revoked': { zh: '此维护人员已被撤销授权', en: 'This technician has been revoked' },
  'refused.card-blocked': { zh: '密码错误次数过多，维护卡已锁定，请联系管理员更换', en: 'Too many wrong PINs: the card has blocked itself; ask for a new card' },
  'refused.other': { zh: '请重新刷卡', en: 'Please tap the card again' },
  leaving: { zh: '正在退出维护模式…', en: 'Leaving maintenance mode…' },
  ok: { zh: '确定', en: 'OK' },
  submit: { zh: '确认', en: 'Enter' },
  exit: { zh: '退出维护', en: 'Leave maintenance' },
  refresh: { zh: '刷新', en: 'Refresh' },
  'page.devices': { zh: '设备', en: 'Devices' },
  'page.outbox': { zh: '上传队列', en: 'Outbox' },
  'page.network': { zh: '网络', en: 'Network' },
  'page.log': { zh: '日志', en: 'Log' },
  'page.config': { zh: '配置', en: 'Config' },
  'test.card-reader': { zh: '读卡测试', en: 'Read a test card' },
  'test.printer': { zh: '打印测试', en: 'Print a test receipt' },
  'test.scanner': { zh: '扫码测试', en: 'Scan a test code' },
  'test.help-buttons': { zh: '按钮测试', en: 'Press each help button' },
  'service.in': { zh: '在服务中', en: 'In service' },
  'service.take-out': { zh: '暂停服务', en: 'Take out of service' },
  'service.put-back': { zh: '恢复服务', en: 'Put back in service' },
  'outbox.depth': { zh: '待上传', en: 'To send' },
  'outbox.oldest': { zh: '最早待上传', en: 'Oldest waiting' },
  'outbox.last-sync': { zh: '上次同步', en: 'Last sync' },
  'outbox.rejected': { zh: '被拒绝', en: 'Rejected' },
  'outbox.discard': { zh: '丢弃', en: 'Discard' },
  'network.sync': { zh: '同步状态', en: 'Sync' },
  'network.central': { zh: '中心可达', en: 'Central reachable' },
  'network.clock': { zh: '时钟偏差', en: 'Clock offset' },
  'network.fault': { zh: '最近故障', en: 'Last fault' },
  yes: { zh: '是', en: 'yes' },
  no: { zh: '否', en: 'no' },
  busy: { zh: '进行中…', en: 'Working…' },
  'notice.status-unavailable': { zh: '无法读取本机状态', en: 'The kiosk status could not be read' },
  'notice.test-failed': { zh: '测试没有完成', en: 'The test did not finish' },
  'notice.action-failed': { zh: '操作没有完成', en: 'That did not work' },
  'notice.outbox-updated': { zh: '上传队列已更新', en: 'Outbox updated' },
  'notice.service-changed': { zh: '服务状态已切换', en: 'Service mode changed' },
  'notice.other': { zh: '操作没有完成，请看日志', en: 'That did not work; see the log' },
  'test.ok': { zh: '通过', en: 'Passed' },
  'test.failed': { zh: '未通过', en: 'Failed' },
  'sync.starting': { zh: '正在启动', en: 'Starting' },
  'sync.online': { zh: '在线', en: 'Online' },
  'sync.offline': { zh: '离线', en: 'Offline' },
  'sync.config-fault': { zh: '配置有误', en: 'Configuration fault' },
  'sync.stopped': { zh: '已停止', en: 'Stopped' },
  'kind.ticket': { zh: '工单', en: 'Ticket' },
  'kind.rating': { zh: '评价', en: 'Rating' },
  'kind.device-event': { zh: '设备事件', en: 'Device event' },
  'kind.audit': { zh: '审计记录', en: 'Audit record' },
  'kind.telemetry': { zh: '运行数据', en: 'Telemetry' },
  'kind.call-record': { zh: '通话记录', en: 'Call record' },
  'kind.other': { zh: '其他记录', en: 'Other record' },
  // What a self-test found, said in words ({0}, {1} filled by the screen).
  'result.printed': { zh: '测试凭条已打印', en: 'The test receipt printed' },
  'result.read': { zh: '{0}读到一张{1}', en: '{0} read a {1}' },
  'result.card-failed': { zh: '{0}上的卡读不出：{1}', en: 'The card on {0} could not be read: {1}' },
  'result.no-card': { zh: '没有人刷测试卡', en: 'No test card was tapped' },
  'result.scanned': { zh: '扫到一个 {0} 个字符的测试码', en: 'Scanned a test code of {0} characters' },
  'result.scanned-as': { zh: '扫到一个 {0} 个字符的测试码（{1}）', en: 'Scanned a test code of {0} characters ({1})' },
  'result.no-scan': { zh: '没有人扫测试码', en: 'No test code was scanned' },
  'result.all-pressed': { zh: '每个按钮都按过了：{0}', en: 'Every button was pressed: {0}' },
  'result.not-all-pressed': { zh: '还没有按：{0}', en: 'Not pressed yet: {0}' },
  'result.not-installed': { zh: '本机没有这个设备', en: 'This kiosk has no such device' },
  'result.test-error': { zh: '测试无法运行，请看日志', en: 'The test could not run; see the log' },
  'result.other': { zh: '设备报告了一个本屏没有说明的结果', en: 'The device gave an answer this screen has no words for' },
  'button.information': { zh: '咨询按钮', en: 'information button' },
  'button.emergency': { zh: '紧急按钮', en: 'emergency button' },
  // Why a card did not read in a self-test, for the technician.
  'card.unsupported-card': { zh: '本机不认识这种卡', en: 'a card this kiosk does not know' },
  'card.unreadable-card': { zh: '卡的应答无法识别', en: 'its answers made no sense' },
  'card.card-removed': { zh: '读完之前卡被拿开了', en: 'it left the reader too soon' },
  'card.reader-gone': { zh: '读卡时读卡器断开了', en: 'the reader went away during the read' },
  'card.timeout': { zh: '卡没有及时应答', en: 'it did not answer in time' },
  // Why a device is not working, on the devices page and in a self-test.
  'fault.paper-out': { zh: '打印机没纸了', en: 'The printer is out of paper' },
  'fault.paper-near-end': { zh: '打印纸快用完了', en: 'The paper roll is nearly used up' },
  'fault.cover-open': { zh: '打印机盖开着', en: 'The printer cover is open' },
  'fault.printer-offline': { zh: '打印机处于脱机状态', en: 'The printer says it is offline' },
  'fault.not-connected': { zh: '设备没有连接', en: 'The device is not connected' },
  'fault.no-reply': { zh: '设备没有应答', en: 'The device did not answer' },
  'fault.bad-reply': { zh: '设备的应答有误', en: 'The device answered wrongly' },
  'fault.write-failed': { zh: '无法向设备发送数据', en: 'Sending to the device failed' },
  'fault.invalid-request': { zh: '设备做不了这件事', en: 'The device cannot do this' },
  'fault.not-configured': { zh: '本机配置中没有这个设备', en: 'Not in this kiosk’s configuration' },
  'fault.no-reader': { zh: '没有找到读卡器', en: 'No card reader found' },
  'fault.pcscd-down': { zh: '读卡服务（pcscd）没有运行', en: 'The card reader service (pcscd) is not running' },
} as const satisfies Readonly<Record<string, Words>>;

export type MaintenanceTextKey = keyof typeof MAINTENANCE_WORDS;

export function mt(lang: Language, key: MaintenanceTextKey, ...values: (string | number)[]): string {
  return fillWords(wordsIn(lang, MAINTENANCE_WORDS[key]), ...values);
}

/** A key of the table made of a prefix and a value (`sync.online`), or the prefix's fallback when the table has no such word. */
export function mtOf(lang: Language, prefix: 'notice' | 'sync' | 'kind' | 'card' | 'fault' | 'button', value: string, fallback: MaintenanceTextKey): string {
  const key = `${prefix}.${value}`;
  return key in MAINTENANCE_WORDS ? mt(lang, key as MaintenanceTextKey) : mt(lang, fallback);
}
