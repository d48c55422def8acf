/**
 * Records of the store: API tokens of agencies' systems.
 */

export interface ApiToken {
  id: string;
  agency: string;
  label: string | null;
  /** When it stops working; null for a token that never expires (none are made so any more). */
  expiresAt: string | null;
}

/** A token as the admin page and `token list` show it (never its hash). */
export interface ApiTokenInfo extends ApiToken {
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
