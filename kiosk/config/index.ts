export { ConfigError, LANGUAGES, type KioskConfig, type Language } from './kiosk-config.js';
export { loadKioskConfig, parseKioskConfig } from './load.js';
