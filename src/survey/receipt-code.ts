import { randomBytes } from 'node:crypto';

/** Crockford base32: no I, L, O or U, so a code read aloud or retyped is hard to get wrong. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Shape of a receipt code: five groups of four, e.g. `7K3M-Q9TA-…`. */
export const RECEIPT_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/;

/**
 * A new random receipt code: 100 bits from the system CSPRNG, far beyond guessing even at
 * the rate limit's ceiling. It is the respondent's only handle on their response.
 */
export function newReceiptCode(): string {
  const bytes = randomBytes(20);
  let code = '';
  for (let i = 0; i < 20; i++) {
    if (i > 0 && i % 4 === 0) code += '-';
    code += ALPHABET[bytes[i] & 31];
  }
  return code;
}

/** A code as typed by a person: upper case, trimmed, with the look-alike letters mapped. */
export function normaliseReceiptCode(input: string): string {
  return input.trim().toUpperCase().replace(/[IL]/g, '1').replace(/O/g, '0');
}
