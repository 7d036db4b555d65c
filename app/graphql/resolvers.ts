import { GraphQLError } from 'graphql';
import { DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';
import { assertValidKey, isJsonObject } from '../core/items/item';
import type { ItemChange as ItemChangeRecord } from '../core/items/item-changes';
import type { Resolvers } from './__generated__/resolvers-types';
import { requireScope, SCOPES } from './context';
import { GRAPHQL_ONLY_ERRORS } from '../wire/errors';

/** Thin resolvers: parse arguments, call the core, shape the result. Business rules live in app/core. */
export const resolvers: Resolvers = {
  JSONObject: JSONObjectResolver,
  DateTime: DateTimeResolver,

  Query: {
    item: (_parent, { id }, context) => {
      requireScope(context, SCOPES.read);
      return context.loaders.itemById.load(id);
    },
    itemsByIds: async (_parent, { ids }, context) => {
      requireScope(context, SCOPES.read);
      const results = await context.loaders.loadMany(ids);
      // A bad id fails the whole field rather than turning into a silent null.
      const failure = results.find((result) => result instanceof Error);
      if (failure) throw failure;
      return results as Exclude<(typeof results)[number], Error>[];
    },
    items: (_parent, { first, after }, context) => {
      requireScope(context, SCOPES.read);
      return context.itemService.listPage({ limit: first ?? undefined, cursor: after ?? undefined });
    },
  },

  Mutation: {
    createItem: async (_parent, { data }, context) => {
      requireScope(context, SCOPES.write);
      const { itemService, loaders } = context;
      const item = await itemService.create(data, { by: context.principal?.sub });
      loaders.itemById.prime(item.id, item);
      return item;
    },
    updateItem: async (_parent, { id, data, expectedVersion }, context) => {
      requireScope(context, SCOPES.write);
      const item = await context.itemService.update(id, data, { expectedVersion, by: context.principal?.sub });
      context.loaders.itemById.clear(id).prime(id, item);
      return item;
    },
    deleteItem: async (_parent, { id }, context) => {
      requireScope(context, SCOPES.delete);
      const item = await context.deleteItem(id);
      context.loaders.itemById.clear(id);
      return { id: item.id, data: isJsonObject(item.data) ? item.data : null };
    },
  },

  Subscription: {
    itemChanged: {
      subscribe: (_parent, { id }, context) => {
        requireScope(context, SCOPES.read);
        if (id != null) assertValidKey(id);
        if (!context.changes)
          throw new GraphQLError('Subscriptions are served over WebSocket (graphql-transport-ws) on /graphql', { extensions: { code: 'BAD_REQUEST' } });
        return context.changes(id ?? undefined);
      },
      resolve: (change: ItemChangeRecord) => change,
    },
  },

  Item: {
    data: (item) => {
      if (!isJsonObject(item.data))
        throw new GraphQLError(GRAPHQL_ONLY_ERRORS.DATA_NOT_OBJECT, { extensions: { code: 'DATA_NOT_OBJECT' satisfies keyof typeof GRAPHQL_ONLY_ERRORS } });
      return item.data;
    },
    // The other attributes resolve by name (graphql-js's default resolver): absent ones are null.
  },

  ItemConnection: {
    edges: (page, _args, { itemService }) => page.items.map((item) => ({ cursor: itemService.cursorAfter(item), node: item })),
    nodes: (page) => page.items,
    pageInfo: (page, _args, { itemService }) => {
      const first = page.items[0];
      const last = page.items[page.items.length - 1];
      return {
        hasNextPage: page.nextCursor !== null,
        hasPreviousPage: false,
        startCursor: first ? itemService.cursorAfter(first) : null,
        endCursor: last ? itemService.cursorAfter(last) : null,
      };
    },
  },
};
