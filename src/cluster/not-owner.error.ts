/** The session is owned by another live node; the request should go there. */
export class NotOwnerError extends Error {
  constructor(
    readonly userId: string,
    readonly ownerNode: string,
    readonly ownerUrl: string | null,
  ) {
    super(`session ${userId} is owned by node ${ownerNode}`);
    this.name = 'NotOwnerError';
  }
}

/** This node's claim on a session was lost (lease expired and taken): stop writing. */
export class FencedError extends Error {
  constructor(readonly userId: string) {
    super(`session ${userId} is no longer owned by this node`);
    this.name = 'FencedError';
  }
}
