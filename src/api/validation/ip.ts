/**
 * IP and CIDR checks as apimachinery's validation.IsValidIP / IsValidCIDR (strict mode) and core's
 * ValidateNonSpecialIP, on a small IPv4/IPv6 parser (Go's ParseIPSloppy accepts IPv4 leading zeros).
 */
import { type Errors, type Path, invalid } from "./field";

interface ParsedIP {
  version: 4 | 6;
  /** 4 or 16 bytes. */
  bytes: number[];
  leadingZeros: boolean;
}

function parseIPv4(s: string): ParsedIP | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  let leadingZeros = false;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^[0-9]{1,3}$/.test(part)) return null;
    if (part.length > 1 && part.startsWith("0")) leadingZeros = true;
    const n = Number(part);
    if (n > 255) return null;
    bytes.push(n);
  }
  return { version: 4, bytes, leadingZeros };
}

function parseIPv6(s: string): ParsedIP | null {
  if (s.includes("%")) return null;
  let head = s;
  let tailV4: number[] = [];
  const lastColon = s.lastIndexOf(":");
  if (s.includes(".")) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4 || v4.leadingZeros) return null;
    tailV4 = v4.bytes;
    head = s.slice(0, lastColon + 1) + "0:0";
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (h: string) => (h === "" ? [] : h.split(":"));
  const left = groupsOf(halves[0]);
  const right = halves.length === 2 ? groupsOf(halves[1]) : [];
  const total = left.length + right.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return null;
  const groups = [...left, ...Array(8 - total).fill("0"), ...right];
  const bytes: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const n = parseInt(g, 16);
    bytes.push(n >> 8, n & 255);
  }
  if (tailV4.length) bytes.splice(12, 4, ...tailV4);
  return { version: 6, bytes, leadingZeros: false };
}

export function parseIP(s: string): ParsedIP | null {
  return s.includes(":") ? parseIPv6(s) : parseIPv4(s);
}

const isV4Mapped = (ip: ParsedIP) =>
  ip.version === 6 && ip.bytes.slice(0, 10).every((b) => b === 0) && ip.bytes[10] === 255 && ip.bytes[11] === 255;

/** net.IP.String(): dotted quad, or RFC 5952 (longest zero run of 2+ groups compressed, lowercase). */
function formatIP(ip: ParsedIP): string {
  if (ip.version === 4) return ip.bytes.join(".");
  if (isV4Mapped(ip)) return `::ffff:${ip.bytes.slice(12).join(".")}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((ip.bytes[i] << 8) | ip.bytes[i + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

export function isIPv6String(s: string): boolean {
  return parseIP(s)?.version === 6;
}

/** validation.IsValidIP: parseable, no IPv4 leading zeros, not IPv4-mapped IPv6, canonical. */
export function isValidIP(path: Path, value: string): Errors {
  const ip = parseIP(value);
  if (!ip) return [invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")];
  if (ip.leadingZeros) return [invalid(path, value, "must not have leading 0s")];
  if (isV4Mapped(ip)) return [invalid(path, value, "must not be an IPv4-mapped IPv6 address")];
  const canonical = formatIP(ip);
  return value === canonical ? [] : [invalid(path, value, `must be in canonical form ("${canonical}")`)];
}

/** validation.IsValidCIDR. */
export function isValidCIDR(path: Path, value: string): Errors {
  const bad = [invalid(path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")];
  const slash = value.indexOf("/");
  if (slash < 0) return bad;
  const ip = parseIP(value.slice(0, slash));
  const prefixText = value.slice(slash + 1);
  if (!ip || !/^[0-9]+$/.test(prefixText)) return bad;
  const prefix = Number(prefixText);
  const bits = ip.bytes.length * 8;
  if (prefix > bits) return bad;
  if (ip.leadingZeros || (prefixText.length > 1 && prefixText.startsWith("0"))) {
    return [invalid(path, value, "must not have leading 0s in IP or prefix length")];
  }
  if (isV4Mapped(ip)) return [invalid(path, value, "must not have an IPv4-mapped IPv6 address")];
  const masked = ip.bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  if (masked.some((b, i) => b !== ip.bytes[i])) return [invalid(path, value, "must not have bits set beyond the prefix length")];
  const canonical = `${formatIP(ip)}/${prefix}`;
  return value === canonical ? [] : [invalid(path, value, `must be in canonical form ("${canonical}")`)];
}

/** ValidateNonSpecialIP: no unspecified, loopback or link-local addresses (Endpoints, externalIPs). */
export function validateNonSpecialIP(value: string, path: Path): Errors {
  const ip = parseIP(value);
  if (!ip) return [invalid(path, value, "must be a valid IP address")];
  const errs: Errors = [];
  const b = ip.bytes;
  const v4 = ip.version === 4 ? b : isV4Mapped(ip) ? b.slice(12) : null;
  const unspecified = b.every((x) => x === 0);
  const loopback = v4 ? v4[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  const linkLocalUnicast = v4 ? v4[0] === 169 && v4[1] === 254 : b[0] === 0xfe && (b[1] & 0xc0) === 0x80;
  const linkLocalMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : b[0] === 0xff && (b[1] & 0x0f) === 0x02;
  if (unspecified) errs.push(invalid(path, value, `may not be unspecified (${value})`));
  if (loopback) errs.push(invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
  if (linkLocalUnicast) errs.push(invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
  if (linkLocalMulticast) errs.push(invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
  return errs;
}
