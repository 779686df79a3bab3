/**
 * What each audited action is called in words (the audit screen and its filter), both
 * languages. An action is either one a route names itself (`kiosk-register`) or the method and
 * route of a change the generic audit recorded (`PUT /v1/staff/blocklist/:cardNumber`).
 */
import { maskCardNumber } from '../../shared/card.js';

export interface ActionWords {
  readonly zh: string;
  readonly en: string;
}

export const AUDIT_ACTION_WORDS: Readonly<Record<string, ActionWords>> = {
  login: { zh: '登录', en: 'Logged in' },
  logout: { zh: '退出登录', en: 'Signed out' },
  'login-failed': { zh: '登录失败', en: 'Failed login' },
  'login-refused-locked': { zh: '登录被拒（账户锁定）', en: 'Login refused: account locked' },
  'login-refused-disabled': { zh: '登录被拒（账户停用）', en: 'Login refused: account disabled' },
  'account-locked': { zh: '账户被锁定', en: 'Account locked' },
  'account-add': { zh: '添加账户', en: 'Added an account' },
  'account-disable': { zh: '停用账户', en: 'Disabled an account' },
  'account-enable': { zh: '启用账户', en: 'Enabled an account' },
  'account-reset-password': { zh: '重设密码', en: 'Reset a password' },
  'account-role': { zh: '更改角色', en: 'Changed a role' },
  'agent-console-connect': { zh: '打开客服台', en: 'Opened the agent console' },
  'kiosk-register': { zh: '登记终端', en: 'Registered a kiosk' },
  'kiosk-rotate-token': { zh: '更换终端令牌', en: 'Replaced a kiosk token' },
  'kiosk-revoke': { zh: '吊销终端令牌', en: 'Revoked a kiosk token' },
  'technician-enrol': { zh: '登记维修人员', en: 'Enrolled a technician' },
  'POST /v1/staff/technicians/:technicianId/revoke': { zh: '吊销维修人员', en: 'Revoked a technician' },
  'PUT /v1/staff/technicians/:technicianId': { zh: '更换维修人员密钥', en: 'Replaced a technician key' },
  'blocklist-add': { zh: '加入黑名单', en: 'Blocked a card' },
  'PUT /v1/staff/blocklist/:cardNumber': { zh: '加入黑名单', en: 'Blocked a card' },
  'DELETE /v1/staff/blocklist/:cardNumber': { zh: '移出黑名单', en: 'Unblocked a card' },
  'PUT /v1/staff/faq/:faqId': { zh: '发布帮助文章', en: 'Published a help article' },
  'DELETE /v1/staff/faq/:faqId': { zh: '删除帮助文章', en: 'Deleted a help article' },
  'station-put': { zh: '编辑车站', en: 'Edited a station' },
  // Refused attempts at the management routes are audited by the generic audit, under their route.
  'POST /v1/admin/kiosks': { zh: '登记终端', en: 'Registered a kiosk' },
  'POST /v1/admin/kiosks/:kioskId/rotate-token': { zh: '更换终端令牌', en: 'Replaced a kiosk token' },
  'POST /v1/admin/kiosks/:kioskId/revoke': { zh: '吊销终端令牌', en: 'Revoked a kiosk token' },
  'POST /v1/admin/technicians': { zh: '登记维修人员', en: 'Enrolled a technician' },
  'POST /v1/admin/blocklist': { zh: '加入黑名单', en: 'Blocked a card' },
  'PUT /v1/admin/stations/:stationId': { zh: '编辑车站', en: 'Edited a station' },
  'POST /v1/admin/accounts': { zh: '添加账户', en: 'Added an account' },
  'POST /v1/staff/kiosks': { zh: '更改终端（接口）', en: 'Changed a kiosk (API)' },
  'PUT /v1/staff/config': { zh: '更改全部终端设置', en: 'Changed every kiosk’s settings' },
  'PUT /v1/staff/kiosks/:kioskId/config': { zh: '更改终端设置', en: 'Changed a kiosk’s settings' },
  'POST /v1/staff/tickets/:ticketId/status': { zh: '更改工单状态', en: 'Changed a ticket’s status' },
  'POST /v1/staff/tickets/:ticketId/reveal-card-number': { zh: '查看完整卡号', en: 'Revealed a card number' },
  'PUT /v1/staff/ticket-targets': { zh: '更改处理时限', en: 'Changed resolution targets' },
};

export const OTHER_ACTION_WORDS: ActionWords = { zh: '其他更改', en: 'Other change' };

export const auditActionWords = (action: string): ActionWords =>
  AUDIT_ACTION_WORDS[action] ?? (action.startsWith('POST /v1/staff/tickets/') ? { zh: '处理工单', en: 'Worked on a ticket' } : OTHER_ACTION_WORDS);

/** Card numbers in an audit target, masked as everywhere else (first 4, last 4). */
export function maskCardNumbersIn(target: string | null): string | null {
  return target === null ? null : target.replace(/"cardNumber":"([0-9A-Fa-f]+)"/g, (_m, n: string) => `"cardNumber":"${maskCardNumber(n)}"`);
}
