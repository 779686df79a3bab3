/// <reference types="vite/client" />
import type { ComponentType } from 'preact';
import { CallFallbackScreen } from './call-fallback.js';
import type { ScreenProps } from './types.js';

/**
 * The slot for the video-call screens, owned by `kiosk/ui/call/`. When that folder's
 * `index.tsx` exports `CallScreen` (props: `ScreenProps<'call'>`), it renders every `call`
 * screen model; until then a plain status screen does. The glob is resolved at build time, so
 * a missing folder costs nothing.
 */
const found = import.meta.glob<{ CallScreen?: unknown }>('../call/index.tsx', { eager: true });
const callModule = Object.values(found)[0];

export const CallSlot: ComponentType<ScreenProps<'call'>> =
  typeof callModule?.CallScreen === 'function' ? (callModule.CallScreen as ComponentType<ScreenProps<'call'>>) : CallFallbackScreen;
