import { z } from 'zod';
import { RestUser, type UserModel } from './model.js';

export function toUser(raw: RestUser): UserModel {
  return { id: raw.id, name: raw.name, email: raw.email, createdAt: raw.createdAt };
}

/** Body of `GET /users?ids=…`. Throws on an unexpected shape. */
export function parseUsers(json: unknown): UserModel[] {
  return z.array(RestUser).parse(json).map(toUser);
}
