// Placeholder until call signalling lands (issue 5): registers the call routes on central's app.
import type { FastifyInstance } from 'fastify';

export interface CallRoutesOptions {
  readonly dataDir: string;
}

export function registerCallRoutes(_app: FastifyInstance, _options: CallRoutesOptions): Promise<void> {
  return Promise.resolve();
}
