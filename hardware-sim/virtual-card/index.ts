/**
 * Simulated contactless cards behind the real PC/SC stack (pcscd + vpcd). Programmatic API for
 * tests and the sim daemon; see docs/hardware-sim.md.
 */
export { VirtualCard, VirtualCardError, VPCD_SLOTS } from './virtual-card.js';
export type { ApduExchange, CardRemovalReason, InsertOptions, VirtualCardErrorCode, VirtualCardOptions, VpcdSlot } from './virtual-card.js';
export { CardEngine } from './engine.js';
export { atrOf, iso14443_4Atr } from './atr.js';
export { CARD_IMAGES_DIR, CardImageError, listCardImages, loadCardImage, parseCardImage } from './load.js';
export type { CardImageEntry, CardImageErrorCode } from './load.js';
export type { BalanceImage, CardApplicationImage, CardFileImage, CardImage, ExpectedCardValues, T0Behaviour, TechnicianImage } from './image.js';
export { cardFaultsProblems, decideFault } from './faults.js';
export type { ApduSelector, CardFaults, FaultAction } from './faults.js';
