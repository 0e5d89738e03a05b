/** What a genuine, unexpired acknowledgement-link token grants: one page, until it expires. */
export interface AckLinkGrant {
  /** The page the link was sent with: it names the alert and the target. */
  readonly notificationId: string;
  readonly expireTime: Date;
}

/**
 * Signs and checks the tokens of acknowledgement links. A token names one
 * page, so it is good for that page's alert and target only, and it cannot
 * be altered or extended without the signing key.
 */
export interface AckLinkTokens {
  /** A token for this page, good from now for the configured lifetime. */
  issue(notificationId: string): { readonly token: string; readonly expireTime: Date };
  /** The grant of a genuine token that has not expired; UNAUTHENTICATED otherwise. */
  verify(token: string): AckLinkGrant;
}
