import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { startServer } from "./server.js";

/** `promo-lsp --stdio`: the language server over standard input and output. */
const connection = createConnection(ProposedFeatures.all);
process.on("uncaughtException", (error) => connection.console.error(`promo-lsp: uncaught: ${error.stack ?? error.message}`));
process.on("unhandledRejection", (error) => connection.console.error(`promo-lsp: unhandled rejection: ${String(error)}`));
startServer(connection);
