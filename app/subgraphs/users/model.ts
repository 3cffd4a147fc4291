import { z } from 'zod';

/** A user as the users REST service sends it. */
export const RestUser = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  createdAt: z.string(),
});
export type RestUser = z.infer<typeof RestUser>;

/** What `User` resolvers receive as parent (codegen mapper). */
export interface UserModel {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly createdAt: string;
}
