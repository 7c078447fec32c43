/** A static segment that must win over `[id]`. */
export const handler = () => Response.json({ special: true });
