import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { Requirement } from "@promo/campaign";
import { checkProject, hasErrors, lowerCampaigns, type CampaignCalendarData, type CampaignEditData, type CheckedProject } from "@promo/dsl";
import { describeFsError, PathError, type CommandContext } from "./context.js";
import { ProjectRoot } from "@promo/dsl";
import { recordingHost } from "./files.js";
import { diagnosticJson, renderDiagnostics } from "./rules.js";

/** A campaign as the campaign commands use it: from a `.promo` file's `campaign` declaration, or from JSON. */
export interface LoadedCampaign {
  campaign: string | null;
  requirements: Requirement[];
  /** From a `.promo` file, or a JSON file that carries them (as `lowerCampaigns` writes them). */
  calendar: CampaignCalendarData | undefined;
  edits: CampaignEditData[] | undefined;
  /** The checked rule file (with its imports): its promotions price carts with the campaign (`campaign price`). */
  project: CheckedProject | undefined;
}

/** Why a campaign could not be loaded: path-named errors (JSON) or diagnostics (a rule file), already rendered. */
export interface LoadFailure {
  /** Plain-text lines for stderr. */
  text: string;
  /** The same for `--json`. */
  json: Record<string, unknown>;
}

export function readText(path: string, ctx: CommandContext): string {
  try {
    return new TextDecoder("utf-8").decode(readFileSync(isAbsolute(path) ? path : resolve(ctx.io.cwd, path)));
  } catch (error) {
    throw new PathError(`cannot read '${path}': ${describeFsError(error)}`);
  }
}

/**
 * Loads the campaign of `path`: a `.promo` file is checked (with its imports) and its `campaign` declaration
 * lowered (`name` picks one when the file declares several); any other file is read as requirements JSON.
 */
export function loadCampaign(
  path: string,
  ctx: CommandContext,
  name: string | undefined,
  parseJson: (text: string) => { campaign: string | null; requirements: Requirement[] } | { errors: string[] },
): LoadedCampaign | LoadFailure {
  if (!path.endsWith(".promo")) {
    const text = readText(path, ctx);
    const parsed = parseJson(text);
    if ("errors" in parsed) {
      const errors = parsed.errors.map((e) => `${path}: ${e}`);
      return { text: errors.map((e) => `${e}\n`).join(""), json: { requirements: path, errors } };
    }
    const doc = JSON.parse(text) as { calendar?: CampaignCalendarData; edits?: CampaignEditData[] };
    const isRecord = doc !== null && typeof doc === "object" && !Array.isArray(doc);
    return { ...parsed, calendar: isRecord ? doc.calendar : undefined, edits: isRecord ? doc.edits : undefined, project: undefined };
  }
  readText(path, ctx); // an unreadable file is an I/O error (exit 2), as for a JSON file
  const { host, read } = recordingHost(ctx.io.cwd, ProjectRoot.around([path], ctx.io.cwd));
  const { project, diagnostics } = checkProject([path], host);
  if (hasErrors(diagnostics)) {
    return { text: renderDiagnostics(diagnostics, read, read.size, ctx.color), json: { requirements: path, diagnostics: diagnostics.map(diagnosticJson) } };
  }
  const campaigns = lowerCampaigns(project);
  const chosen = name === undefined ? campaigns : campaigns.filter((c) => c.campaign === name);
  if (chosen.length !== 1) {
    const names = campaigns.map((c) => `'${c.campaign}'`).join(", ");
    const error =
      campaigns.length === 0
        ? `${path}: no campaign declaration`
        : name === undefined
          ? `${path}: declares ${campaigns.length} campaigns (${names}); choose one with --campaign NAME`
          : `${path}: no campaign '${name}' (declared: ${names})`;
    return { text: `${error}\n`, json: { requirements: path, errors: [error] } };
  }
  const c = chosen[0]!;
  return { campaign: c.campaign, requirements: c.requirements, calendar: c.calendar, edits: c.edits, project };
}
