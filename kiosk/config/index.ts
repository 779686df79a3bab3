export { ConfigError, LANGUAGES, type HidConfig, type KioskConfig, type Language } from './kiosk-config.js';
export { loadKioskConfig, parseKioskConfig } from './load.js';
