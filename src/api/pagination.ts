import { z } from "zod";

/**
 * `?cursor=&limit=` for lists paged by id, newest first: `cursor` is the
 * `nextCursor` of the previous page (the last id it held).
 */
export const idPageQuery = {
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, "pass the nextCursor value of the previous page")
    .transform(Number)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

/** A list response: one page and where the next one starts (null on the last page). */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.number().int().nullable() });
}
