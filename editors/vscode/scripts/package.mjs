/**
 * Writes promo-<version>.vsix: a VSIX is a zip (an OPC package) holding `[Content_Types].xml`,
 * `extension.vsixmanifest` and the extension's files under `extension/`. Written here with Node's zlib (deflate)
 * so packaging needs nothing beyond the build (`@vscode/vsce package` would also work, with its own
 * dependencies). The archive is deterministic: fixed timestamps, files in a fixed order.
 *
 *   node scripts/package.mjs [--out file.vsix]   (after `node scripts/build.mjs --production`)
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateRawSync } from "node:zlib";

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const manifest = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));
const outArg = process.argv.indexOf("--out");
const out = outArg > 0 ? process.argv[outArg + 1] : join(here, `${manifest.name}-${manifest.version}.vsix`);

/** The files of the extension, relative to editors/vscode; everything the editor loads and nothing else. */
const FILES = ["package.json", "README.md", "language-configuration.json", "syntaxes/promo.tmLanguage.json", "dist/extension.js", "dist/server.js"];
for (const file of FILES) {
  if (!existsSync(join(here, file))) {
    console.error(`package: ${file} is missing; run \`npm run build\` in editors/vscode first (npm run package does)`);
    process.exit(1);
  }
}

const xml = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const CONTENT_TYPES = { ".json": "application/json", ".md": "text/markdown", ".js": "application/javascript", ".vsixmanifest": "text/xml" };
const contentTypes = [
  '<?xml version="1.0" encoding="utf-8"?>',
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
  ...Object.entries(CONTENT_TYPES).map(([ext, type]) => `<Default Extension="${ext}" ContentType="${type}"/>`),
  "</Types>",
  "",
].join("\n");

const vsixManifest = [
  '<?xml version="1.0" encoding="utf-8"?>',
  '<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011" xmlns:d="http://schemas.microsoft.com/developer/vsx-schema-design/2011">',
  "  <Metadata>",
  `    <Identity Language="en-US" Id="${xml(manifest.name)}" Version="${xml(manifest.version)}" Publisher="${xml(manifest.publisher)}"/>`,
  `    <DisplayName>${xml(manifest.displayName)}</DisplayName>`,
  `    <Description xml:space="preserve">${xml(manifest.description)}</Description>`,
  `    <Tags>promo,__ext_promo</Tags>`,
  `    <Categories>${xml(manifest.categories.join(","))}</Categories>`,
  "    <GalleryFlags>Public</GalleryFlags>",
  "    <Properties>",
  `      <Property Id="Microsoft.VisualStudio.Code.Engine" Value="${xml(manifest.engines.vscode)}"/>`,
  '      <Property Id="Microsoft.VisualStudio.Code.ExtensionDependencies" Value=""/>',
  '      <Property Id="Microsoft.VisualStudio.Code.ExtensionPack" Value=""/>',
  '      <Property Id="Microsoft.VisualStudio.Code.ExtensionKind" Value="workspace"/>',
  '      <Property Id="Microsoft.VisualStudio.Code.LocalizedLanguages" Value=""/>',
  '      <Property Id="Microsoft.VisualStudio.Code.EnabledApiProposals" Value=""/>',
  '      <Property Id="Microsoft.VisualStudio.Code.ExecutesCode" Value="true"/>',
  '      <Property Id="Microsoft.VisualStudio.Services.GitHubFlavoredMarkdown" Value="true"/>',
  '      <Property Id="Microsoft.VisualStudio.Services.Content.Pricing" Value="Free"/>',
  "    </Properties>",
  "  </Metadata>",
  "  <Installation>",
  '    <InstallationTarget Id="Microsoft.VisualStudio.Code"/>',
  "  </Installation>",
  "  <Dependencies/>",
  "  <Assets>",
  '    <Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true"/>',
  '    <Asset Type="Microsoft.VisualStudio.Services.Content.Details" Path="extension/README.md" Addressable="true"/>',
  "  </Assets>",
  "</PackageManifest>",
  "",
].join("\n");

for (const file of FILES) {
  if (!(extname(file) in CONTENT_TYPES)) throw new Error(`no content type for ${file}`);
}
const entries = [
  { name: "[Content_Types].xml", data: Buffer.from(contentTypes) },
  { name: "extension.vsixmanifest", data: Buffer.from(vsixManifest) },
  ...FILES.map((file) => ({ name: `extension/${file}`, data: readFileSync(join(here, file)) })),
];

// ---- a minimal zip writer (deflate, no zip64: the package is a few MB) ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data) {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const DOS_TIME = 0; // 00:00:00
const DOS_DATE = (2026 - 1980) << 9 | 1 << 5 | 1; // 2026-01-01
const UTF8_NAMES = 0x0800;
const locals = [];
const centrals = [];
let offset = 0;
for (const { name, data } of entries) {
  const nameBytes = Buffer.from(name, "utf8");
  const compressed = deflateRawSync(data, { level: 9 });
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
  local.writeUInt16LE(UTF8_NAMES, 6);
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt16LE(DOS_TIME, 10);
  local.writeUInt16LE(DOS_DATE, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(UTF8_NAMES, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(DOS_TIME, 12);
  central.writeUInt16LE(DOS_DATE, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt16LE(0, 30); // extra
  central.writeUInt16LE(0, 32); // comment
  central.writeUInt16LE(0, 34); // disk
  central.writeUInt16LE(0, 36); // internal attributes
  central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
  central.writeUInt32LE(offset, 42);
  locals.push(local, nameBytes, compressed);
  centrals.push(central, nameBytes);
  offset += local.length + nameBytes.length + compressed.length;
}
const centralSize = centrals.reduce((n, b) => n + b.length, 0);
const end = Buffer.alloc(22);
end.writeUInt32LE(0x06054b50, 0);
end.writeUInt16LE(0, 4);
end.writeUInt16LE(0, 6);
end.writeUInt16LE(entries.length, 8);
end.writeUInt16LE(entries.length, 10);
end.writeUInt32LE(centralSize, 12);
end.writeUInt32LE(offset, 16);
end.writeUInt16LE(0, 20);
const archive = Buffer.concat([...locals, ...centrals, end]);
writeFileSync(out, archive);
console.log(`package: wrote ${out} (${(archive.length / 1024).toFixed(0)} KiB, ${entries.length} entries)`);
