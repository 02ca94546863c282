/**
 * Cluster credentials: bearer tokens of 256 random bits, kept only as SHA-256 hashes and compared in
 * constant time. Cluster ids are short, random and DNS-safe.
 */

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function newToken(): string {
  return `kf_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** A 12-character id starting with a letter (usable as a DNS label and a kubeconfig name). */
export function newClusterId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  let id = "c";
  for (let i = 1; i < 12; i++) id += ID_ALPHABET[bytes[i] % ID_ALPHABET.length];
  return id;
}

export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether `presented` hashes to `storedHash`, without leaking where they differ. */
export async function tokenMatches(presented: string, storedHash: string): Promise<boolean> {
  const a = new TextEncoder().encode(await hashToken(presented));
  const b = new TextEncoder().encode(storedHash);
  if (a.byteLength !== b.byteLength) return false;
  return crypto.subtle.timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer …` header, if any. */
export function bearerToken(header: string | null): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}
