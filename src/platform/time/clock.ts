/** Time comes from a port so tests can move it without sleeping. */
export interface Clock {
  now(): Date;
}
