import type { Language } from '../../../shared/ui-protocol.js';
import { fillWords, wordsIn, type Words } from '../../../shared/words.js';
import { CALL_WORDS } from '../call/texts.js';
import { KEY_WORDS } from '../keyboard-words.js';

/** The technician screens' words, keyed by word: `mt(lang, key, n)`. */

const TEXTS = {
  'out-of-service': { zh: '本机暂停服务', en: 'Out of service' },
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
  cancel: CALL_WORDS.cancel,
  backspace: KEY_WORDS.backspace,
  clear: KEY_WORDS.clear,
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
  'service.out': { zh: '暂停服务中', en: 'Out of service' },
  'service.take-out': { zh: '暂停服务', en: 'Take out of service' },
  'service.put-back': { zh: '恢复服务', en: 'Put back in service' },
  'outbox.depth': { zh: '待上传', en: 'To send' },
  'outbox.oldest': { zh: '最早待上传', en: 'Oldest waiting' },
  'outbox.last-sync': { zh: '上次同步', en: 'Last sync' },
  'outbox.rejected': { zh: '被拒绝', en: 'Rejected' },
  'outbox.retry': { zh: '重试', en: 'Retry' },
  'outbox.discard': { zh: '丢弃', en: 'Discard' },
  'network.sync': { zh: '同步状态', en: 'Sync' },
  'network.central': { zh: '中心可达', en: 'Central reachable' },
  'network.clock': { zh: '时钟偏差', en: 'Clock offset' },
  'network.fault': { zh: '最近故障', en: 'Last fault' },
  yes: { zh: '是', en: 'yes' },
  no: { zh: '否', en: 'no' },
  unknown: { zh: '未知', en: 'unknown' },
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
} as const satisfies Readonly<Record<string, Words>>;

export type MaintenanceTextKey = keyof typeof TEXTS;

export function mt(lang: Language, key: MaintenanceTextKey, n?: number): string {
  return fillWords(wordsIn(lang, TEXTS[key]), ...(n === undefined ? [] : [n]));
}

/** A key of the table made of a prefix and a value (`sync.online`), or the prefix's fallback when the table has no such word. */
export function mtOf(lang: Language, prefix: 'notice' | 'sync' | 'kind', value: string, fallback: MaintenanceTextKey): string {
  const key = `${prefix}.${value}`;
  return key in TEXTS ? mt(lang, key as MaintenanceTextKey) : mt(lang, fallback);
}
