import { conflict, notFound } from '../../../core/errors.js';
import { createNamed, lockNamed, removeNamed, renameNamed } from '../../../db/catalog.js';
import { inTransaction, isDuplicateKey } from '../../../db/sql.js';
import { route } from '../../route.js';
import { ActorBody, GenreBody } from '../../schemas/admin.js';
import { ActorSchema, GenreSchema } from '../../schemas/catalog.js';
import { IdParams } from '../../schemas/common.js';
import { audited, errorReply, tags } from './support.js';

/** Create / rename / delete for the two name-only catalog tables. Reads are the public GET /genres and GET /actors. */
function nameCrud(opts: {
  table: 'genres' | 'actors';
  noun: 'genre' | 'actor';
  plural: string;
  body: typeof GenreBody | typeof ActorBody;
  schema: typeof GenreSchema | typeof ActorSchema;
  uniqueNames: boolean;
}) {
  const { table, noun, plural, body, schema, uniqueNames } = opts;
  const action = (verb: 'create' | 'update' | 'delete') => `${noun}.${verb}` as const;
  const duplicate = (name: string) => conflict(`A ${noun} named "${name}" already exists`, { field: 'name' });
  const extra: Record<number, ReturnType<typeof errorReply>> = uniqueNames ? { 409: errorReply(`Another ${noun} has this name`) } : {};
  return [
    route({
      method: 'post',
      path: `/admin/${plural}`,
      summary: `Create a ${noun}`,
      tags,
      auth: 'admin',
      body,
      responses: { 201: { description: `The new ${noun}`, schema }, ...extra },
      handler: async (input, deps) => {
        const b = input.body;
        try {
          const id = await inTransaction(deps.ds, async (tx) => {
            const created = await createNamed(tx, table, b.name);
            await audited(tx, deps, input, { action: action('create'), resourceId: created, changes: { name: b.name } });
            return created;
          });
          return { status: 201, body: { id, name: b.name } };
        } catch (e) {
          if (isDuplicateKey(e)) throw duplicate(b.name);
          throw e;
        }
      },
    }),
    route({
      method: 'patch',
      path: `/admin/${plural}/:id`,
      summary: `Rename a ${noun}`,
      tags,
      auth: 'admin',
      params: IdParams,
      body,
      responses: { 200: { description: `The ${noun}`, schema }, ...extra },
      handler: async (input, deps) => {
        const { params, body: b } = input;
        try {
          await inTransaction(deps.ds, async (tx) => {
            const before = await lockNamed(tx, table, params.id);
            if (before === null) throw notFound(noun, params.id);
            await renameNamed(tx, table, params.id, b.name);
            if (before !== b.name) await audited(tx, deps, input, { action: action('update'), resourceId: params.id, changes: { name: { from: before, to: b.name } } });
          });
          return { body: { id: params.id, name: b.name } };
        } catch (e) {
          if (isDuplicateKey(e)) throw duplicate(b.name);
          throw e;
        }
      },
    }),
    route({
      method: 'delete',
      path: `/admin/${plural}/:id`,
      summary: `Delete a ${noun} (it is removed from every movie)`,
      tags,
      auth: 'admin',
      params: IdParams,
      responses: { 204: { description: 'Deleted' } },
      handler: async (input, deps) => {
        const { params } = input;
        await inTransaction(deps.ds, async (tx) => {
          const name = await lockNamed(tx, table, params.id);
          if (name === null || !(await removeNamed(tx, table, params.id))) throw notFound(noun, params.id);
          await audited(tx, deps, input, { action: action('delete'), resourceId: params.id, changes: { name } });
        });
        return { status: 204 };
      },
    }),
  ];
}

export const adminGenreRoutes = nameCrud({
  table: 'genres',
  noun: 'genre',
  plural: 'genres',
  body: GenreBody,
  schema: GenreSchema,
  uniqueNames: true,
});

export const adminActorRoutes = nameCrud({
  table: 'actors',
  noun: 'actor',
  plural: 'actors',
  body: ActorBody,
  schema: ActorSchema,
  uniqueNames: false,
});
