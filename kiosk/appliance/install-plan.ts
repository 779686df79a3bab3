/**
 * What `kiosk install` puts on a Debian 12 station, as data: every file with its contents and
 * mode, computed from the app folder, the Node binary and the kiosk's configuration. Writing it
 * (and undoing it) is `install.ts`; this module only decides what the files say.
 */
import { DEFAULT_HID_DEVICE_TABLE } from '../../driver/hid/device-table.js';

export const KIOSK_USER = 'kiosk';
export const STATE_DIR = '/var/lib/station-kiosk';
export const CONFIG_PATH = '/etc/station-kiosk/kiosk.json';
export const MANIFEST_PATH = '/etc/station-kiosk/installed.json';
export const RUNTIME_UNIT = 'station-kiosk.service';
export const BROWSER_UNIT = 'station-kiosk-browser.service';
/** The runtime tells systemd it is alive at half this interval. */
export const WATCHDOG_SECONDS = 30;
/**
 * V8 flags of the runtime's Node. `--max-semi-space-size=1` (MB) keeps V8's young generation
 * small: by default it grows to 16 MB a semi-space under a burst of taps and is never given
 * back, which is what made the runtime's RSS climb by 30–55 MB steps with the JS heap flat
 * (docs/appliance.md, "Memory"). `package.json`'s `start` script passes the same flag.
 */
export const RUNTIME_NODE_FLAGS = ['--max-semi-space-size=1', '--enable-source-maps'] as const;
/**
 * Environment of the runtime's Node. `MALLOC_ARENA_MAX=1`: one glibc malloc arena for every
 * thread. By default each thread that allocates (V8's compiler and GC workers, libuv's workers
 * running SQLite) gets an arena of its own, and what it frees stays in that arena: about 10 MB
 * of RSS over a soak that one shared arena does not keep (docs/appliance.md, "Memory"). The
 * runtime's threads allocate little and seldom at once, so they do not wait on each other.
 * `package.json`'s `start` script sets the same.
 */
export const RUNTIME_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '1' };

export interface InstallInputs {
  /** The application folder (with package.json, dist/app, dist/ui, node_modules). */
  readonly appDir: string;
  /** The Node binary the services run on (the pinned one). */
  readonly node: string;
  /** The kiosk UI's origin, `http://127.0.0.1:8080`. */
  readonly uiOrigin: string;
  readonly cage: string;
}

export interface PlannedFile {
  /** Absolute path on the target system. */
  readonly path: string;
  readonly mode: number;
  readonly contents: string;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

export function sysusersConf(): string {
  return [
    '# Station kiosk: the system user the runtime and the kiosk window run as (systemd-sysusers).',
    `u ${KIOSK_USER} - "Station kiosk" ${STATE_DIR} /usr/sbin/nologin`,
    `m ${KIOSK_USER} dialout`,
    `m ${KIOSK_USER} video`,
    `m ${KIOSK_USER} audio`,
    `m ${KIOSK_USER} input`,
    `m ${KIOSK_USER} render`,
    '',
  ].join('\n');
}

export function udevRules(): string {
  const hid = new Map<string, string>();
  for (const rule of DEFAULT_HID_DEVICE_TABLE) {
    const match = `ATTRS{idVendor}=="${hex4(rule.vendorId)}"${rule.productId === undefined ? '' : `, ATTRS{idProduct}=="${hex4(rule.productId)}"`}`;
    if (!hid.has(match)) hid.set(match, rule.name);
  }
  return [
    '# Station kiosk: devices the kiosk user may open (installed by `kiosk install`).',
    '',
    '# PC/SC contactless readers (USB class 0x0b, smart card): pcscd drives them; the kiosk group may too.',
    `SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ENV{ID_USB_INTERFACES}=="*:0b????:*", GROUP="${KIOSK_USER}", MODE="0660"`,
    '',
    '# Receipt printer and cabinet controller on USB serial adapters.',
    `SUBSYSTEM=="tty", KERNEL=="ttyUSB[0-9]*|ttyACM[0-9]*", GROUP="${KIOSK_USER}", MODE="0660"`,
    '',
    '# QR scanners and help-button encoders (hidraw), from the kiosk\'s HID device table.',
    ...[...hid].map(([match, name]) => `# ${name}\nSUBSYSTEM=="hidraw", ${match}, GROUP="${KIOSK_USER}", MODE="0660"`),
    '',
  ].join('\n');
}

export function runtimeUnit(i: InstallInputs): string {
  return `# Station kiosk runtime: card readers, devices, flows, store, sync, the UI server.
[Unit]
Description=Station kiosk runtime
Documentation=file://${i.appDir}/docs/appliance.md
After=network-online.target pcscd.socket
Wants=network-online.target pcscd.socket
StartLimitIntervalSec=0

[Service]
Type=notify
NotifyAccess=all
WatchdogSec=${WATCHDOG_SECONDS}
Restart=always
RestartSec=2
TimeoutStartSec=120
TimeoutStopSec=30
User=${KIOSK_USER}
Group=${KIOSK_USER}
SupplementaryGroups=dialout
StateDirectory=station-kiosk
WorkingDirectory=${STATE_DIR}
Environment=NODE_ENV=production
${Object.entries(RUNTIME_ENV).map(([k, v]) => `Environment=${k}=${v}\n`).join('')}ExecStart=${i.node} ${RUNTIME_NODE_FLAGS.join(' ')} ${i.appDir}/dist/app/kiosk/cli.js start --config ${CONFIG_PATH} --no-sim --no-central --no-browser
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=read-only
PrivateTmp=yes
ReadWritePaths=${STATE_DIR}
SyslogIdentifier=station-kiosk

[Install]
WantedBy=multi-user.target
`;
}

export function browserUnit(i: InstallInputs): string {
  return `# The passenger's window: Chromium in kiosk mode under the cage Wayland compositor on tty1,
# watched by the kiosk (relaunched when it exits, crashes or stops answering).
[Unit]
Description=Station kiosk window
Documentation=file://${i.appDir}/docs/appliance.md
After=${RUNTIME_UNIT} systemd-user-sessions.service getty@tty1.service
Wants=${RUNTIME_UNIT}
Conflicts=getty@tty1.service
StartLimitIntervalSec=0

[Service]
Type=simple
User=${KIOSK_USER}
Group=${KIOSK_USER}
SupplementaryGroups=video audio input render
PAMName=login
TTYPath=/dev/tty1
TTYReset=yes
TTYVHangup=yes
TTYVTDisallocate=yes
StandardInput=tty-fail
StandardOutput=journal
StandardError=journal
UtmpIdentifier=tty1
UtmpMode=user
WorkingDirectory=${STATE_DIR}
Environment=XDG_SESSION_TYPE=wayland
ExecStart=${i.cage} -s -- ${i.node} ${i.appDir}/dist/app/kiosk/cli.js browser --config ${CONFIG_PATH}
Restart=always
RestartSec=2
SyslogIdentifier=station-kiosk-browser

[Install]
WantedBy=graphical.target
`;
}

/**
 * Chromium's managed policy: camera and microphone for the kiosk's own origin only (no prompt
 * there, refused everywhere else), and nothing a passenger could use to leave the kiosk page.
 */
export function chromiumPolicy(uiOrigin: string): Record<string, unknown> {
  return {
    VideoCaptureAllowed: false,
    AudioCaptureAllowed: false,
    VideoCaptureAllowedUrls: [uiOrigin],
    AudioCaptureAllowedUrls: [uiOrigin],
    ScreenCaptureAllowed: false,
    DefaultGeolocationSetting: 2,
    DefaultNotificationsSetting: 2,
    PasswordManagerEnabled: false,
    AutofillAddressEnabled: false,
    AutofillCreditCardEnabled: false,
    TranslateEnabled: false,
    BrowserSignin: 0,
    SyncDisabled: true,
    PrintingEnabled: false,
  };
}

export function journaldConf(): string {
  return `# Station kiosk: journald keeps logs across reboots within these limits.
[Journal]
Storage=persistent
SystemMaxUse=200M
SystemKeepFree=1G
SystemMaxFileSize=20M
RuntimeMaxUse=50M
MaxRetentionSec=30day
`;
}

export function installPlan(i: InstallInputs, config: string): PlannedFile[] {
  return [
    { path: '/usr/lib/sysusers.d/station-kiosk.conf', mode: 0o644, contents: sysusersConf() },
    { path: '/etc/udev/rules.d/70-station-kiosk.rules', mode: 0o644, contents: udevRules() },
    { path: `/etc/systemd/system/${RUNTIME_UNIT}`, mode: 0o644, contents: runtimeUnit(i) },
    { path: `/etc/systemd/system/${BROWSER_UNIT}`, mode: 0o644, contents: browserUnit(i) },
    { path: '/etc/chromium/policies/managed/station-kiosk.json', mode: 0o644, contents: JSON.stringify(chromiumPolicy(i.uiOrigin), null, 2) + '\n' },
    { path: '/etc/systemd/journald.conf.d/station-kiosk.conf', mode: 0o644, contents: journaldConf() },
    { path: CONFIG_PATH, mode: 0o640, contents: config },
  ];
}
