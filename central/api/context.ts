import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CentralStorage } from '../storage/types.js';
import type { OperationId } from './operations.js';

/** What the route handlers share: the storage and central's clock. */
export interface ApiContext {
  readonly storage: CentralStorage;
  readonly now: () => Date;
}

export type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
export type Handlers<K extends OperationId> = Readonly<Record<K, Handler>>;
