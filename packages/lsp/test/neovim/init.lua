-- The configuration a user writes (editors/neovim), with the server started from this checkout's build.
local repo = assert(os.getenv("PROMO_REPO"), "PROMO_REPO is not set")
vim.opt.runtimepath:prepend(repo .. "/editors/neovim")
vim.opt.swapfile = false
vim.opt.shadafile = "NONE"
require("promo").setup({ cmd = { os.getenv("PROMO_NODE") or "node", repo .. "/packages/lsp/bin/promo-lsp.js", "--stdio" } })
