export { ConfigError, isLoopbackUrl, LANGUAGES, publicUrlProblem, ticketPageBase, type HidConfig, type KioskConfig, type Language } from './kiosk-config.js';
export { loadKioskConfig, parseKioskConfig } from './load.js';
