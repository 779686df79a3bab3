/** faq: categories → articles (by category or search over the locally stored articles) → article. */
import { assign, setup, type SnapshotFrom } from 'xstate';
import type { FaqArticle } from '../../shared/sync.js';
import type { Language, PassengerEvent } from '../../shared/ui-protocol.js';
import { missingEffect } from './effects.js';
import type { FlowExit } from './events.js';
import type { FaqCategory, ListFaqCategoriesOutput, SearchFaqInput, SearchFaqOutput } from './ports.js';

export interface FaqInput {
  readonly language: Language;
}

export interface FaqContext {
  readonly language: Language;
  readonly categories: readonly FaqCategory[] | null;
  readonly categoryId: string | null;
  readonly query: string | null;
  readonly articles: readonly FaqArticle[] | null;
  readonly articleId: string | null;
  readonly error: 'faq-unavailable' | null;
  readonly exit: FlowExit;
}

type FaqEvent = Extract<PassengerEvent, { type: 'FAQ.CATEGORY' | 'FAQ.SEARCH' | 'FAQ.OPEN' | 'BACK' | 'NEXT' | 'LANG.SET' }>;

export const faqMachine = setup({
  types: { context: {} as FaqContext, events: {} as FaqEvent, input: {} as FaqInput, output: {} as FlowExit },
  actors: {
    listFaqCategories: missingEffect<ListFaqCategoriesOutput>('listFaqCategories'),
    searchFaq: missingEffect<SearchFaqOutput, SearchFaqInput>('searchFaq'),
  },
}).createMachine({
  id: 'faq',
  context: ({ input }) => ({
    language: input.language,
    categories: null,
    categoryId: null,
    query: null,
    articles: null,
    articleId: null,
    error: null,
    exit: { next: 'menu' },
  }),
  on: {
    'LANG.SET': { actions: assign({ language: ({ event }) => event.language }) },
    'FAQ.SEARCH': {
      target: '.list',
      reenter: true,
      actions: assign(({ event }) => {
        const q = event.query.trim();
        return { query: q === '' ? null : q, categoryId: null };
      }),
    },
  },
  initial: 'categories',
  states: {
    categories: {
      initial: 'loading',
      states: {
        loading: {
          invoke: {
            id: 'listFaqCategories',
            src: 'listFaqCategories',
            onDone: { target: 'ready', actions: assign({ categories: ({ event }) => event.output, error: null }) },
            onError: { target: 'ready', actions: assign({ categories: [], error: 'faq-unavailable' }) },
          },
        },
        ready: {},
      },
      on: {
        'FAQ.CATEGORY': {
          guard: ({ context, event }) => (context.categories ?? []).some((c) => c.id === event.categoryId),
          target: 'list',
          actions: assign(({ event }) => ({ categoryId: event.categoryId, query: null })),
        },
        BACK: { target: 'done', actions: assign({ exit: { next: 'menu' } }) },
      },
    },
    list: {
      initial: 'searching',
      entry: assign({ articles: null, error: null }),
      states: {
        searching: {
          invoke: {
            id: 'searchFaq',
            src: 'searchFaq',
            input: ({ context }) => ({ categoryId: context.categoryId, query: context.query, language: context.language }),
            onDone: { target: 'ready', actions: assign({ articles: ({ event }) => event.output }) },
            onError: { target: 'ready', actions: assign({ articles: [], error: 'faq-unavailable' }) },
          },
        },
        ready: {
          on: {
            'FAQ.OPEN': {
              guard: ({ context, event }) => (context.articles ?? []).some((a) => a.id === event.articleId),
              target: '#faq.article',
              actions: assign(({ event }) => ({ articleId: event.articleId })),
            },
          },
        },
      },
      on: {
        BACK: { target: 'categories.ready', actions: assign({ categoryId: null, query: null, articles: null }) },
      },
    },
    article: {
      on: {
        BACK: { target: 'list.ready', actions: assign({ articleId: null }) },
        NEXT: { target: 'done', actions: assign({ exit: { next: 'survey', service: 'faq', ticketId: null } }) },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => context.exit,
});

export type FaqMachine = typeof faqMachine;
export type FaqSnapshot = SnapshotFrom<FaqMachine>;
