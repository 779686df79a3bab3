import type { Page } from 'playwright-core';
import type { AccountSeed } from '../../central/accounts/seed.js';
import type { AgentAccount, AgentUpgradeCheck } from '../../central/calls/index.js';
import { logInSession, signIn, type Credentials } from './staff-session.js';

/** A person who answers calls: an account central creates at start (`accounts` of startCentral), with a password to log in. */
export type AgentLogin = AccountSeed & { readonly displayName: string; readonly password: string; readonly role: 'agent' | 'supervisor' | 'administrator' };

/** A fresh agent account of a test (names as a person reads them). */
export function agentAccount(username: string, displayName: string, role: AgentLogin['role'] = 'agent'): AgentLogin {
  return { username, displayName, password: `${username}-password-0123`, role };
}

/**
 * An agent signs in at central's /login/ page as themselves and lands on the console, which connects
 * with their session; switches the console to `language` with its language button when it opened in
 * the other (it opens in Chinese unless this browser chose English); then says they are available,
 * unless `available` is false (on break).
 */
export async function loginAgent(page: Page, centralUrl: string, agent: Credentials, available = true, language: 'zh' | 'en' = 'en'): Promise<void> {
  await signIn(page, centralUrl, agent, '/console/');
  await page.waitForSelector('[data-testid=set-available]:visible');
  const wanted = language === 'zh' ? 'zh-CN' : 'en';
  if ((await page.evaluate(() => document.documentElement.lang)) !== wanted) {
    await page.click('[data-testid=lang]');
    await page.waitForFunction((lang) => document.documentElement.lang === lang, wanted);
  }
  if (available) {
    await page.click('[data-testid=set-available]');
    await page.waitForSelector('[data-testid=presence][data-presence=available]');
  }
}

/**
 * What a browser logged in as `agent` sends when its console opens the agent socket: the session
 * cookie and central's own Origin. For tests that speak the agent protocol over a bare WebSocket.
 */
export async function agentSocketHeaders(centralUrl: string, agent: Credentials): Promise<{ cookie: string; origin: string }> {
  const { cookie } = await logInSession(centralUrl, agent);
  return { cookie, origin: centralUrl };
}

/**
 * For tests of the call module alone (a bare Fastify, no accounts): the upgrade check central gives
 * it, reduced to one known session. A request carrying `cookie` is `agent`; any other is refused
 * with 401, as central refuses an upgrade without a session.
 */
export function oneAgentSession(agent: AgentAccount, cookie: string): AgentUpgradeCheck {
  return (request) =>
    Promise.resolve(request.headers.cookie === cookie ? { ok: true as const, agent } : { ok: false as const, status: 401, message: 'log in at /login/ first' });
}
