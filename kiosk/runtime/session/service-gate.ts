import { IN_SERVICE, type ServiceMode, type ServiceModeStore } from '../../maintenance/service-mode.js';

/**
 * The service mode as the runtime needs it: readable at once (the screen is computed
 * synchronously) and announcing changes. Wraps the persistent store the maintenance service
 * writes through, so a technician's "out of service" shows the moment it is stored and survives
 * a restart.
 */
export class ServiceGate implements ServiceModeStore {
  private mode: ServiceMode = IN_SERVICE;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly store: ServiceModeStore) {}

  /** Reads the stored mode; call once before the session is shown. */
  async load(): Promise<void> {
    this.mode = await this.store.get();
  }

  get inService(): boolean {
    return this.mode.inService;
  }

  get(): Promise<ServiceMode> {
    return Promise.resolve(this.mode);
  }

  async set(mode: ServiceMode): Promise<void> {
    await this.store.set(mode);
    this.mode = mode;
    for (const l of this.listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
