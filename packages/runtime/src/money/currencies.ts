/**
 * ISO 4217 "List One" alphabetic codes with their minor-unit exponent
 * (how many decimal places an amount in that currency may carry).
 *
 * Why an explicit table instead of `Intl.NumberFormat(...).resolvedOptions()`:
 * Intl reports CLDR's *display* digits, which differ from ISO 4217 for over a
 * dozen currencies (e.g. CLDR shows IQD, HUF and IDR with 0 digits while ISO
 * says 3, 2 and 2), and it does not know fund codes such as CLF or UYW at
 * all. Pricing must follow ISO, so the data lives here.
 *
 * Snapshot: List One as amended through 2025 (XCG replaced ANG; ZWG replaced
 * ZWL). BGN is kept because Bulgaria's euro changeover (2026-01-01) does not
 * remove the code from List One immediately; drop it once ISO withdraws it.
 *
 * Deliberately left out: codes whose ISO minor unit is "N.A." (precious
 * metals XAU/XAG/XPD/XPT, bond-market units XBA–XBD, XDR, XSU, XUA, and the
 * testing/no-currency codes XTS/XXX). They have no exponent, so an amount in
 * them cannot be expressed in integer minor units.
 */

const ZERO_DECIMAL_CODES = ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"] as const;

const THREE_DECIMAL_CODES = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"] as const;

const FOUR_DECIMAL_CODES = ["CLF", "UYW"] as const;

/**
 * MGA (ariary = 5 iraimbilanja) and MRU (ouguiya = 5 khoums) are not base-10
 * currencies, so no decimal exponent describes them exactly. ISO 4217 lists
 * their minor unit as 2 (the "0.2" style fraction is approximated), and
 * payment networks price them in hundredths, so we follow ISO and use 2.
 */
const NON_DECIMAL_CODES_TREATED_AS_TWO = ["MGA", "MRU"] as const;

const TWO_DECIMAL_CODES = [
  "AED",
  "AFN",
  "ALL",
  "AMD",
  "AOA",
  "ARS",
  "AUD",
  "AWG",
  "AZN",
  "BAM",
  "BBD",
  "BDT",
  "BGN",
  "BMD",
  "BND",
  "BOB",
  "BOV",
  "BRL",
  "BSD",
  "BTN",
  "BWP",
  "BYN",
  "BZD",
  "CAD",
  "CDF",
  "CHE",
  "CHF",
  "CHW",
  "CNY",
  "COP",
  "COU",
  "CRC",
  "CUC",
  "CUP",
  "CVE",
  "CZK",
  "DKK",
  "DOP",
  "DZD",
  "EGP",
  "ERN",
  "ETB",
  "EUR",
  "FJD",
  "FKP",
  "GBP",
  "GEL",
  "GHS",
  "GIP",
  "GMD",
  "GTQ",
  "GYD",
  "HKD",
  "HNL",
  "HTG",
  "HUF",
  "IDR",
  "ILS",
  "INR",
  "IRR",
  "JMD",
  "KES",
  "KGS",
  "KHR",
  "KPW",
  "KYD",
  "KZT",
  "LAK",
  "LBP",
  "LKR",
  "LRD",
  "LSL",
  "MAD",
  "MDL",
  "MKD",
  "MMK",
  "MNT",
  "MOP",
  "MUR",
  "MVR",
  "MWK",
  "MXN",
  "MXV",
  "MYR",
  "MZN",
  "NAD",
  "NGN",
  "NIO",
  "NOK",
  "NPR",
  "NZD",
  "PAB",
  "PEN",
  "PGK",
  "PHP",
  "PKR",
  "PLN",
  "QAR",
  "RON",
  "RSD",
  "RUB",
  "SAR",
  "SBD",
  "SCR",
  "SDG",
  "SEK",
  "SGD",
  "SHP",
  "SLE",
  "SOS",
  "SRD",
  "SSP",
  "STN",
  "SVC",
  "SYP",
  "SZL",
  "THB",
  "TJS",
  "TMT",
  "TOP",
  "TRY",
  "TTD",
  "TWD",
  "TZS",
  "UAH",
  "USD",
  "USN",
  "UYU",
  "UZS",
  "VED",
  "VES",
  "WST",
  "XCD",
  "XCG",
  "YER",
  "ZAR",
  "ZMW",
  "ZWG",
  ...NON_DECIMAL_CODES_TREATED_AS_TWO,
] as const;

function buildExponentTable(): ReadonlyMap<string, number> {
  const groups: ReadonlyArray<readonly [readonly string[], number]> = [
    [ZERO_DECIMAL_CODES, 0],
    [TWO_DECIMAL_CODES, 2],
    [THREE_DECIMAL_CODES, 3],
    [FOUR_DECIMAL_CODES, 4],
  ];
  const table = new Map<string, number>();
  for (const [codes, exponent] of groups) {
    for (const code of codes) {
      if (table.has(code)) throw new Error(`currency ${code} listed twice`);
      table.set(code, exponent);
    }
  }
  return table;
}

// A Map (not a plain object) so inherited names like "__proto__" or
// "constructor" can never be mistaken for currencies.
const EXPONENT_BY_CODE = buildExponentTable();

export const CURRENCY_CODES: readonly string[] = Object.freeze([...EXPONENT_BY_CODE.keys()].sort());

/** Minor-unit exponent for an exact (uppercase) ISO 4217 code, else undefined. */
export function currencyExponent(code: string): number | undefined {
  return EXPONENT_BY_CODE.get(code);
}

export function isCurrencyCode(code: string): boolean {
  return EXPONENT_BY_CODE.has(code);
}
