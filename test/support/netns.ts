/**
 * Two hosts on separate networks, as a kiosk and an agent behind different NATs are: each in its
 * own network namespace (`ip netns`), joined by a veth pair to this machine, which plays the
 * public side where central and the TURN relay listen. Neither host can reach the other: the
 * kiosk's network has no route beyond its link, the agent's only a host route to the public
 * address. Needs root and iproute2.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'kcall';

export interface IsolatedHost {
  /** Namespace name. */
  readonly name: string;
  /** The host's own address inside its namespace. */
  readonly address: string;
  /** Runs Chromium inside the namespace (a wrapper for playwright's executablePath). */
  readonly chromium: string;
}

export interface TwoNetworks {
  /** The public address (this machine's end of the kiosk's link): central and the relay listen here. */
  readonly publicAddress: string;
  readonly kiosk: IsolatedHost;
  readonly agent: IsolatedHost;
  /** Exit code of a TCP connect from one host to an address:port (0 reached, else refused or unreachable). */
  canConnect(from: IsolatedHost, address: string, port: number): boolean;
  close(): void;
}

const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

/** Why namespaces cannot be made here, or null when they can. */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'iproute2 (ip netns) is not installed';
  }
}

/** Removes namespaces a killed run left behind (their veth ends go with them). */
function removeStale(): void {
  const list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    if (name.startsWith(`${PREFIX}-`)) {
      try {
        ip('netns', 'del', name);
      } catch {
        // already gone
      }
    }
  }
}

export function createTwoNetworks(): TwoNetworks {
  removeStale();
  const tag = (process.pid % 100000).toString(36);
  const dir = mkdtempSync(join(tmpdir(), 'kcall-netns-'));
  const made: string[] = [];
  const host = (role: 'kiosk' | 'agent', subnet: number): IsolatedHost => {
    const name = `${PREFIX}-${role}-${tag}`;
    const inner = `${role[0]}${tag}i`;
    const outer = `${role[0]}${tag}o`;
    ip('netns', 'add', name);
    made.push(name);
    ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
    ip('link', 'set', inner, 'netns', name);
    ip('addr', 'add', `10.203.${subnet}.1/24`, 'dev', outer);
    ip('link', 'set', outer, 'up');
    ip('-n', name, 'addr', 'add', `10.203.${subnet}.2/24`, 'dev', inner);
    ip('-n', name, 'link', 'set', inner, 'up');
    ip('-n', name, 'link', 'set', 'lo', 'up');
    const chromium = join(dir, `chromium-${role}`);
    writeFileSync(chromium, `#!/bin/sh\nexec ip netns exec ${name} /usr/bin/chromium "$@"\n`);
    chmodSync(chromium, 0o755);
    return { name, address: `10.203.${subnet}.2`, chromium };
  };
  try {
    const kiosk = host('kiosk', 1);
    const agent = host('agent', 2);
    const publicAddress = '10.203.1.1';
    // The agent reaches the public address through its own link; nothing else.
    ip('-n', agent.name, 'route', 'add', `${publicAddress}/32`, 'via', '10.203.2.1');
    return {
      publicAddress,
      kiosk,
      agent,
      canConnect(from, address, port) {
        try {
          execFileSync('ip', ['netns', 'exec', from.name, 'timeout', '2', 'bash', '-c', `exec 3<>/dev/tcp/${address}/${port}`], { stdio: 'ignore' });
          return true;
        } catch {
          return false;
        }
      },
      close() {
        for (const name of made) {
          try {
            ip('netns', 'del', name);
          } catch {
            // already gone
          }
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    for (const name of made) {
      try {
        ip('netns', 'del', name);
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
