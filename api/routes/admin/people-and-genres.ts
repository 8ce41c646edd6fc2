import { conflict, notFound } from '../../../core/errors.js';
import { route } from '../../route.js';
import { ActorBody, GenreBody } from '../../schemas/admin.js';
import { ActorSchema, GenreSchema } from '../../schemas/catalog.js';
import { IdParams } from '../../schemas/common.js';
import { errorReply, isDuplicateKey, tags } from './support.js';

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
          const r: { insertId: number } = await deps.ds.query(`INSERT INTO ${table} (name) VALUES (?)`, [b.name]);
          return { status: 201, body: { id: r.insertId, name: b.name } };
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
          const [found] = await deps.ds.query(`SELECT id FROM ${table} WHERE id = ?`, [params.id]);
          if (!found) throw notFound(noun, params.id);
          await deps.ds.query(`UPDATE ${table} SET name = ? WHERE id = ?`, [b.name, params.id]);
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
        const r: { affectedRows: number } = await deps.ds.query(`DELETE FROM ${table} WHERE id = ?`, [params.id]);
        if (r.affectedRows === 0) throw notFound(noun, params.id);
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
