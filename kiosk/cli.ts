/**
 * The kiosk's command line. Each command lives in `kiosk/cli/<name>.ts` and exports
 * `run(args): Promise<number>` (the exit code). Nothing here prints a stack trace: an
 * unexpected error is one line on stderr and exit code 1.
 *
 *   kiosk start [--config FILE] [--no-browser] [--browser-user NAME] [--heartbeat-seconds N] [--no-sim] [--no-central] [--demo]   start the terminal
 *   kiosk install [--root DIR] [--config FILE] [--app-dir DIR] [--node PATH]   system services (root)
 *   kiosk uninstall [--root DIR]
 *   kiosk update FILE [--root DIR] [--apps DIR] [--health-file FILE] [--health-timeout S] [--restart-command CMD]
 *   kiosk browser [--config FILE] [--browser-user NAME]
 *   kiosk version [--json]                                                   kiosk, Node, native addon and pcscd versions
 *   kiosk card read [--reader NAME] [--timeout S] [--json] [--city CODE] [--low-balance FEN] [--blocklist FILE] [--config FILE]
 */
type Command = { readonly load: () => Promise<{ run(args: string[]): Promise<number> }>; readonly usage: string };

const commands: Record<string, Command> = {
  start: { load: () => import('./cli/start.js'), usage: 'start [--config FILE] [--no-browser] [--browser-user NAME] [--heartbeat-seconds N] [--no-sim] [--no-central] [--demo]   (--demo: the local central gets the published demo accounts and help articles)' },
  install: { load: () => import('./cli/install.js'), usage: 'install [--root DIR] [--config FILE] [--app-dir DIR] [--node PATH]   (root) system user, udev rules, systemd units, Chromium policy, journald limits' },
  uninstall: { load: async () => ({ run: (await import('./cli/install.js')).runUninstall }), usage: 'uninstall [--root DIR]   (root) removes what install wrote' },
  update: { load: () => import('./cli/update.js'), usage: 'update FILE [--root DIR] [--apps DIR] [--health-file FILE] [--health-timeout S] [--restart-command CMD]   (root) switch to a release, roll back if unhealthy' },
  browser: { load: () => import('./cli/browser.js'), usage: 'browser [--config FILE] [--browser-user NAME]   the watched kiosk window alone (the window service)' },
  version: { load: () => import('./cli/version.js'), usage: 'version [--json]' },
  card: { load: () => import('./cli/card.js'), usage: 'card read [--reader NAME] [--timeout SECONDS] [--json] [--city CODE] [--low-balance FEN] [--blocklist FILE] [--config FILE]' },
};

function usage(): string {
  return ['usage: kiosk <command>', ...Object.values(commands).map((c) => `  kiosk ${c.usage}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : commands[name];
  if (!command) {
    process.stderr.write(usage() + '\n');
    return name === undefined || name === '--help' ? 0 : 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`kiosk: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
