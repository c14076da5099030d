/**
 * Exact decimal arithmetic for DynamoDB numbers. A number travels as text; here it is a
 * `Decimal`: a sign, its significant `digits` (no leading or trailing zeros) and `point`,
 * the power of ten of the first digit (so 1.5 is digits "15", point 0; 250 is "25",
 * point 2). DynamoDB keeps up to 38 significant digits with magnitudes from 1E-130 to
 * 9.99…E+125 and answers numbers in plain notation without redundant zeros, so "1.50"
 * comes back "1.5", "1e2" as "100" and "-0" as "0". No floating point is used: sums are
 * computed on BigInt coefficients.
 */
import { ValidationException } from "../errors.js";

export interface Decimal {
  readonly sign: -1 | 0 | 1;
  /** Significant digits; "" for zero. */
  readonly digits: string;
  /** Power of ten of the first significant digit; 0 for zero. */
  readonly point: number;
}

export const MAX_DIGITS = 38;
export const MAX_POINT = 125;
export const MIN_POINT = -130;

export const ZERO: Decimal = { sign: 0, digits: "", point: 0 };

const NUMBER_FORM = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export const NumberMessages = {
  invalid: "A value provided cannot be converted into a number",
  precision: "Attempting to store more than 38 significant digits in a Number",
  overflow: "Number overflow. Attempting to store a number with magnitude larger than supported range",
  underflow: "Number underflow. Attempting to store a number with magnitude smaller than supported range",
} as const;

/**
 * The decimal a text denotes, ignoring DynamoDB's limits; undefined when the text is not
 * a number. Accepts an optional sign, digits with an optional fraction, and an exponent.
 */
export function readDecimal(text: string): Decimal | undefined {
  const m = NUMBER_FORM.exec(text);
  if (!m) return undefined;
  const whole = m[2] ?? "";
  const fraction = m[3] ?? "";
  if (whole.length + fraction.length === 0) return undefined;
  const all = whole + fraction;
  let first = 0;
  while (first < all.length && all.charCodeAt(first) === 48) first++;
  if (first === all.length) return ZERO;
  let last = all.length;
  while (all.charCodeAt(last - 1) === 48) last--;
  // Exponents far beyond the range only need to stay beyond it, not be exact.
  const expText = m[4] ?? "0";
  const exp = expText.replace(/^[+-]?0*/, "").length > 9 ? (expText.startsWith("-") ? -1e9 : 1e9) : Number.parseInt(expText, 10);
  return { sign: m[1] === "-" ? -1 : 1, digits: all.slice(first, last), point: whole.length - 1 - first + exp };
}

/** Throws DynamoDB's error when `d` cannot be stored. */
export function checkLimits(d: Decimal): void {
  if (d.sign === 0) return;
  if (d.digits.length > MAX_DIGITS) throw new ValidationException(NumberMessages.precision);
  if (d.point > MAX_POINT) throw new ValidationException(NumberMessages.overflow);
  if (d.point < MIN_POINT) throw new ValidationException(NumberMessages.underflow);
}

/** Parses and checks a number as DynamoDB stores it; `invalid` is the message for non-numbers. */
export function parseNumber(text: string, invalid: string = NumberMessages.invalid): Decimal {
  const d = readDecimal(text);
  if (!d) throw new ValidationException(invalid);
  checkLimits(d);
  return d;
}

/** DynamoDB's canonical text: plain notation, no redundant zeros, "0" for any zero. */
export function formatDecimal(d: Decimal): string {
  if (d.sign === 0) return "0";
  const sign = d.sign < 0 ? "-" : "";
  const { digits, point } = d;
  if (point >= digits.length - 1) return sign + digits + "0".repeat(point - digits.length + 1);
  if (point >= 0) return `${sign}${digits.slice(0, point + 1)}.${digits.slice(point + 1)}`;
  return `${sign}0.${"0".repeat(-point - 1)}${digits}`;
}

// Canonical already and within every limit: at most 20 integer and 18 fraction digits,
// no leading zeros, no trailing fraction zeros, no exponent ("-0" is not: it is "0").
const SHORT_CANONICAL = /^-?(?:0|[1-9]\d{0,19})(?:\.\d{0,17}[1-9])?$/;

/** The canonical text of a number string, checking DynamoDB's limits. */
export function canonicalNumber(text: string, invalid?: string): string {
  if (SHORT_CANONICAL.test(text) && text !== "-0") return text;
  return formatDecimal(parseNumber(text, invalid));
}

/** Numeric order of two decimals: negative, zero or positive. */
export function compareDecimals(a: Decimal, b: Decimal): number {
  if (a.sign !== b.sign) return a.sign < b.sign ? -1 : 1;
  if (a.sign === 0) return 0;
  let magnitude: number;
  if (a.point !== b.point) magnitude = a.point < b.point ? -1 : 1;
  else magnitude = a.digits === b.digits ? 0 : a.digits < b.digits ? -1 : 1;
  return magnitude * a.sign;
}

/** Numeric order of two number strings (which must parse). */
export function compareNumbers(a: string, b: string): number {
  return compareDecimals(mustRead(a), mustRead(b));
}

/** a + b exactly, as canonical text; throws when the result cannot be stored. */
export function addNumbers(a: string, b: string): string {
  return formatDecimal(addDecimals(mustRead(a), mustRead(b)));
}

/** a - b exactly, as canonical text; throws when the result cannot be stored. */
export function subtractNumbers(a: string, b: string): string {
  return formatDecimal(addDecimals(mustRead(a), negate(mustRead(b))));
}

export function negate(d: Decimal): Decimal {
  return d.sign === 0 ? d : { ...d, sign: d.sign === 1 ? -1 : 1 };
}

/** a + b exactly, checked against DynamoDB's limits. */
export function addDecimals(a: Decimal, b: Decimal): Decimal {
  if (a.sign === 0) return b;
  if (b.sign === 0) return a;
  // Scale each coefficient to the exponent of the lower last digit.
  const lastA = a.point - a.digits.length + 1;
  const lastB = b.point - b.digits.length + 1;
  const low = Math.min(lastA, lastB);
  const sum = coefficient(a, lastA - low) + coefficient(b, lastB - low);
  const result = fromCoefficient(sum, low);
  checkLimits(result);
  return result;
}

function coefficient(d: Decimal, shift: number): bigint {
  const c = BigInt(d.digits) * 10n ** BigInt(shift);
  return d.sign < 0 ? -c : c;
}

/** The decimal c × 10^exp. */
function fromCoefficient(c: bigint, exp: number): Decimal {
  if (c === 0n) return ZERO;
  const negative = c < 0n;
  const text = (negative ? -c : c).toString();
  let last = text.length;
  while (text.charCodeAt(last - 1) === 48) last--;
  return { sign: negative ? -1 : 1, digits: text.slice(0, last), point: exp + text.length - 1 };
}

function mustRead(text: string): Decimal {
  const d = readDecimal(text);
  if (!d) throw new ValidationException(NumberMessages.invalid);
  return d;
}
