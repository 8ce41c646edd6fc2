import { conflict, notFound } from '../../../core/errors.js';
import { createNamed, removeNamed, renameNamed } from '../../../db/catalog.js';
import { isDuplicateKey } from '../../../db/sql.js';
import { route } from '../../route.js';
import { ActorBody, GenreBody } from '../../schemas/admin.js';
import { ActorSchema, GenreSchema } from '../../schemas/catalog.js';
import { IdParams } from '../../schemas/common.js';
import { errorReply, tags } from './support.js';

/** Create / rename / delete for the two name-only catalog tables. Reads are the public GET /genres and GET /actors. */
function nameCrud(opts: {
  table: 'genres' | 'actors';
  noun: string;
  plural: string;
  body: typeof GenreBody | typeof ActorBody;
  schema: typeof GenreSchema | typeof ActorSchema;
  uniqueNames: boolean;
}) {
  const { table, noun, plural, body, schema, uniqueNames } = opts;
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
      handler: async ({ body: b }, deps) => {
        try {
          return { status: 201, body: { id: await createNamed(deps.ds, table, b.name), name: b.name } };
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
      handler: async ({ params, body: b }, deps) => {
        try {
          if (!(await renameNamed(deps.ds, table, params.id, b.name))) throw notFound(noun, params.id);
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
      handler: async ({ params }, deps) => {
        if (!(await removeNamed(deps.ds, table, params.id))) throw notFound(noun, params.id);
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
