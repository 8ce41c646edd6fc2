import { ErrorResponse } from '../../schemas/common.js';

export const tags = ['admin'];

export const errorReply = (description: string) => ({ description, schema: ErrorResponse });
