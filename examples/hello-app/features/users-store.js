/** In-memory users (the example has no database). */
export const users = [];
