/**
 * Problems for staff: the list the staff page polls (its banner tells the station's staff), one
 * problem with its tickets, and resolving it. Station staff see their own station's problems only;
 * another station's problem answers 404 as if it did not exist.
 */
import type { FastifyRequest } from 'fastify';
import { staffPrincipal } from '../api/auth.js';
import type { ApiContext, Handlers } from '../api/context.js';
import { ApiFailure } from '../api/errors.js';
import { inScope, stationScope } from '../staff/station-scope.js';

export type ProblemOperation = 'listProblems' | 'getProblem' | 'resolveProblem';

const notFound = (): ApiFailure => new ApiFailure(404, 'not-found', 'no such problem');

export function problemHandlers(ctx: ApiContext): Handlers<ProblemOperation> {
  const { storage } = ctx;
  const idOf = (request: FastifyRequest): number => Number((request.params as { problemId: string }).problemId);
  const found = async (request: FastifyRequest) => {
    const problem = await storage.problems.get(idOf(request));
    if (!problem || !inScope(request, problem.problem.stationId)) throw notFound();
    return problem;
  };
  return {
    listProblems: async (request) => {
      const { state, limit } = request.query as { state: 'open' | 'all'; limit: number };
      // Station staff: their own station's (central/staff/station-scope.ts).
      const stationId = stationScope(request);
      const problems = await storage.problems.list({ open: state === 'open', limit, ...(stationId !== null ? { stationId } : {}) });
      return { problems, serverTime: ctx.now().toISOString() };
    },
    getProblem: (request) => found(request),
    resolveProblem: async (request) => {
      await found(request);
      const note = (request.body as { note?: string } | undefined)?.note?.trim();
      const result = await storage.problems.resolve(idOf(request), staffPrincipal(request).name, note ? note : null, ctx.now().toISOString());
      if (!result) throw notFound();
      if (!result.resolved) throw new ApiFailure(409, 'already-resolved', `this problem was resolved by ${result.problem.resolvedBy ?? 'someone'} at ${result.problem.resolvedAt ?? 'an earlier time'}`);
      return found(request);
    },
  };
}
