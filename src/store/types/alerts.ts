/**
 * Records of the store: Where agencies' alerts go.
 */

/**
 * Where an agency's alerts go. Lives in the database (set with `npm run cli -- alerts set`), never
 * in the YAML files in git, because of the webhook secret.
 */
export interface AgencyAlertConfig {
  agency: string;
  /** A Telegram group's chat id. */
  telegramChat: string | null;
  /** A LINE group id the bot has joined. */
  lineGroup: string | null;
  /** The https:// endpoint of a case-management system. */
  webhookUrl: string | null;
  /** The HMAC-SHA256 key that signs webhook bodies. */
  webhookSecret: string | null;
  /** The language of chat alerts: th or en. */
  lang: string;
  updatedAt: string;
}

/** A LINE group the bot was added to. */
export interface LineGroup {
  groupId: string;
  joinedAt: string;
  leftAt: string | null;
}
