import type { Language, PassengerEvent, ScreenModel, ScreenName } from '../../../shared/ui-protocol.js';

export type Send = (event: PassengerEvent) => void;

export interface ScreenProps<N extends ScreenName> {
  readonly model: Extract<ScreenModel, { screen: N }>;
  readonly send: Send;
  readonly lang: Language;
}
