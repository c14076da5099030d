/**
 * Endpoint credentials: `key:secret[:account]` lines (a credentials file) or a single
 * key and secret (environment). The default account is 000000000000.
 */
import type { Credential } from "../wire/sigv4.js";
import { DEFAULT_ACCOUNT } from "../services/queues/names.js";

export function parseCredentialLines(text: string, source: string): Credential[] {
  const out: Credential[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const [accessKeyId, secretAccessKey, accountId = DEFAULT_ACCOUNT, extra] = line.split(":");
    if (!accessKeyId || !secretAccessKey || extra !== undefined || !/^\d{12}$/.test(accountId)) {
      throw new Error(`${source}:${i + 1}: expected key:secret[:12-digit account]`);
    }
    out.push({ accessKeyId, secretAccessKey, accountId });
  });
  return out;
}

export function credentialFromPair(accessKeyId: string, secretAccessKey: string, accountId = DEFAULT_ACCOUNT): Credential {
  if (!/^\d{12}$/.test(accountId)) throw new Error("the account id must be 12 digits");
  return { accessKeyId, secretAccessKey, accountId };
}
