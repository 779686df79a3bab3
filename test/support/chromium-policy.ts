/**
 * How Chromium itself reads a managed policy file: Chromium is started headless in a private
 * mount namespace where a temporary folder is bound over /etc/chromium (so the machine's own
 * /etc/chromium and every other browser are untouched), and chrome://policy is asked for the
 * values and errors it found.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CdpPipe } from '../../kiosk/appliance/cdp-pipe.js';

export interface PolicyStatus {
  readonly value: unknown;
  readonly error?: string;
  readonly warning?: string;
  readonly level?: string;
  readonly source?: string;
}

export async function chromiumPolicyStatus(fileName: string, policy: unknown): Promise<Record<string, PolicyStatus>> {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-policy-'));
  const etc = join(dir, 'etc-chromium');
  mkdirSync(join(etc, 'policies', 'managed'), { recursive: true });
  if (existsSync('/etc/chromium/master_preferences')) copyFileSync('/etc/chromium/master_preferences', join(etc, 'master_preferences'));
  writeFileSync(join(etc, 'policies', 'managed', fileName), JSON.stringify(policy));
  const profile = join(dir, 'profile');
  const script = `mount --bind "$1" /etc/chromium && shift && exec "$@"`;
  // Test only: headless Chromium as root needs --no-sandbox; it opens chrome://policy and nothing else.
  const child = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', etc, '/usr/bin/chromium', '--headless=new', '--no-sandbox', `--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cdp = new CdpPipe(child.stdio[3] as Writable, child.stdio[4] as Readable);
  try {
    const { targetId } = (await cdp.send('Target.createTarget', { url: 'chrome://policy' }, undefined, 30_000)) as { targetId: string };
    const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = (await cdp.send(
        'Runtime.evaluate',
        {
          expression: `Promise.race([import('chrome://resources/js/cr.js').then((cr) => new Promise((done) => { cr.addWebUiListener('policies-updated', (_names, values) => done(JSON.stringify(values))); chrome.send('listenPoliciesUpdates'); })), new Promise((r) => setTimeout(() => r('TIMEOUT'), 3000))])`,
          awaitPromise: true,
          returnByValue: true,
        },
        sessionId,
      )) as { result?: { value?: string }; exceptionDetails?: unknown };
      if (r.result?.value && !r.result.value.startsWith('TIMEOUT')) {
        const values = JSON.parse(r.result.value) as { policyGroups?: { chrome?: { policies?: Record<string, PolicyStatus> } } };
        return values.policyGroups?.chrome?.policies ?? {};
      }
      if (Date.now() > deadline) throw new Error(`chrome://policy did not answer: ${JSON.stringify(r.exceptionDetails)} ${stderr}`);
      await new Promise((res) => setTimeout(res, 300));
    }
  } finally {
    cdp.close();
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
