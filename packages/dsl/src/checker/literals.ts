import {
  excerpt,
  CURRENCY_CODES,
  currencyExponent,
  isValidLocalDate,
  isValidLocalTime,
  isValidTimeZone,
  listTimeZones,
  parseAmount,
  parsePercent,
  zonedToEpoch,
} from "@promo/runtime";
import type * as A from "../ast/nodes.js";
import { Diagnostics } from "../diagnostics/catalogue.js";
import { suggest } from "../util/similar.js";
import type { FileContext, Reporter, WritableTables } from "./context.js";

/**
 * Folding of literals to exact values, with their diagnostics: money to integer minor units (by the ISO 4217
 * exponent table, never by Intl), date-times in an IANA zone to epoch milliseconds, percentages to ratios.
 */
export class Literals {
  constructor(
    private readonly reporter: Reporter,
    private readonly tables: WritableTables,
  ) {}

  /** Checks a currency code; reports unknown codes with suggestions. */
  currencyCode(file: FileContext, name: A.Name): string | undefined {
    if (name.text === "") return undefined;
    if (currencyExponent(name.text) !== undefined) return name.text;
    this.reporter.report(
      Diagnostics.unknownCurrency(
        this.reporter.at(file.source, name.span),
        name.text,
        suggest(name.text.toUpperCase() === name.text ? name.text : name.text.toUpperCase(), CURRENCY_CODES, 3),
      ),
    );
    return undefined;
  }

  /**
   * A money literal where money is required. `what` names the amount in messages. Returns minor units, or
   * undefined when the literal is wrong (already reported).
   */
  money(file: FileContext, lit: A.MoneyLit, what: string, options: { allowNegative?: boolean; allowZero?: boolean } = {}): number | undefined {
    if (lit.text === "") return undefined;
    if (!lit.currency) {
      this.reporter.report(Diagnostics.missingCurrency(this.reporter.at(file.source, lit.span), lit.text, file.currency));
      return undefined;
    }
    const currency = this.currencyCode(file, lit.currency);
    if (!currency) return undefined;
    if (file.currency && currency !== file.currency) {
      this.reporter.report(
        Diagnostics.currencyMismatch(
          this.reporter.at(file.source, lit.span),
          file.currency,
          currency,
          `${excerpt(lit.text)} ${currency}`,
          `${lit.text} ${file.currency}`,
        ),
      );
    }
    const parsed = parseAmount(lit.text, currency);
    if (!parsed.ok) {
      if (parsed.reason === "too-many-decimals") {
        const decimals = lit.text.includes(".") ? lit.text.split(".")[1]!.length : 0;
        this.reporter.report(
          Diagnostics.tooManyDecimals(this.reporter.at(file.source, lit.span), lit.text, currency, currencyExponent(currency) ?? 0, decimals),
        );
      } else {
        this.reporter.report(
          Diagnostics.invalidNumber(this.reporter.at(file.source, lit.span), `${excerpt(lit.text)} ${currency} is not a valid amount: ${parsed.message}`),
        );
      }
      return undefined;
    }
    if (parsed.minor < 0 && !options.allowNegative) {
      this.reporter.report(Diagnostics.negativeAmount(this.reporter.at(file.source, lit.span), `${excerpt(lit.text)} ${currency}`, what));
      return undefined;
    }
    if (parsed.minor === 0 && options.allowZero === false) {
      this.reporter.report(Diagnostics.invalidNumber(this.reporter.at(file.source, lit.span), `${what} must be more than zero`));
      return undefined;
    }
    this.tables.money.set(lit.id, { minor: parsed.minor, currency });
    return parsed.minor;
  }

  /** A whole number where a count is required (`at most 1`, `max 3 units`, `priority 2`). */
  count(file: FileContext, lit: A.MoneyLit, what: string, min = 1): number | undefined {
    if (lit.text === "") return undefined;
    if (lit.currency) {
      this.reporter.report(
        Diagnostics.typeMismatch(this.reporter.at(file.source, lit.span), `${what} is a number, not money (${excerpt(lit.text)} ${lit.currency.text})`),
      );
      return undefined;
    }
    if (!/^-?\d+$/.test(lit.text)) {
      this.reporter.report(Diagnostics.invalidNumber(this.reporter.at(file.source, lit.span), `${what} must be a whole number, not ${excerpt(lit.text)}`));
      return undefined;
    }
    const value = Number(lit.text);
    if (value < 0) {
      this.reporter.report(Diagnostics.negativeAmount(this.reporter.at(file.source, lit.span), lit.text, what));
      return undefined;
    }
    if (value < min || !Number.isSafeInteger(value)) {
      this.reporter.report(Diagnostics.invalidNumber(this.reporter.at(file.source, lit.span), `${what} must be at least ${min}, not ${excerpt(lit.text)}`));
      return undefined;
    }
    return value;
  }

  /** A percentage: never negative, never over 100%. Returns the ratio of the percent value (15% → 15/1). */
  percent(file: FileContext, lit: A.PercentLit, what: string): { numerator: number; denominator: number } | undefined {
    const value = Number(lit.text);
    if (value < 0) {
      this.reporter.report(Diagnostics.negativeAmount(this.reporter.at(file.source, lit.span), `${excerpt(lit.text)}%`, what));
      return undefined;
    }
    if (value > 100) {
      this.reporter.report(Diagnostics.percentOver100(this.reporter.at(file.source, lit.span), `${excerpt(lit.text)}%`));
      return undefined;
    }
    const ratio = parsePercent(lit.text.replace(/^0+(?=\d)/, ""));
    if (!ratio) {
      this.reporter.report(Diagnostics.invalidNumber(this.reporter.at(file.source, lit.span), `${excerpt(lit.text)}% is not a valid percentage`));
      return undefined;
    }
    return ratio;
  }

  zone(file: FileContext, name: A.Name): string | undefined {
    if (name.text === "") return undefined;
    if (isValidTimeZone(name.text) && (name.text.includes("/") || name.text === "UTC")) return name.text;
    this.reporter.report(Diagnostics.unknownTimeZone(this.reporter.at(file.source, name.span), name.text, suggest(name.text, listTimeZones(), 3)));
    return undefined;
  }

  /** Parses `YYYY-MM-DD[ HH:MM[:SS]]`; reports impossible dates such as 2026-02-30. */
  localDateTime(file: FileContext, lit: A.DateTimeLit): { year: number; month: number; day: number; hour: number; minute: number; second: number } | undefined {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(lit.text);
    if (!m) return undefined;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    if (!isValidLocalDate(year, month, day)) {
      this.reporter.report(
        Diagnostics.invalidDateTime(
          this.reporter.at(file.source, lit.span),
          lit.text,
          month < 1 || month > 12 ? `there is no month ${month}` : `day ${day} does not exist in ${year}-${String(month).padStart(2, "0")}`,
        ),
      );
      return undefined;
    }
    if (!isValidLocalTime(hour, minute, second)) {
      this.reporter.report(Diagnostics.invalidDateTime(this.reporter.at(file.source, lit.span), lit.text, "hours run 00–23, minutes and seconds 00–59"));
      return undefined;
    }
    return { year, month, day, hour, minute, second };
  }

  /** A date-time in a zone → epoch ms; the zone is the literal's own or the one given. */
  instant(file: FileContext, lit: A.DateTimeLit, zone: string | undefined): number | undefined {
    const local = this.localDateTime(file, lit);
    if (!local || !zone) return undefined;
    const ms = zonedToEpoch(local, zone);
    this.tables.instants.set(lit.id, ms);
    return ms;
  }
}
