/** Where time comes from; tests pass a controllable one instead of sleeping. */
export type Clock = () => Date;

/** The real clock. */
export const systemClock: Clock = () => new Date();
