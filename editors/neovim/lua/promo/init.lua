-- Starts promo-lsp for every buffer with filetype 'promo'. Works on Neovim 0.7 and later:
-- vim.lsp.start (0.9+) where it exists, else vim.lsp.start_client + buf_attach_client, one client per root.
local M = {}

M.defaults = {
  cmd = { "promo-lsp", "--stdio" },
  -- The nearest directory upwards holding one of these is the workspace root (imports resolve within it).
  root_markers = { ".git", "package.json" },
}

local function root_dir(bufnr, markers)
  local file = vim.api.nvim_buf_get_name(bufnr)
  local dir = vim.fn.fnamemodify(file, ":p:h")
  while true do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      return vim.fn.fnamemodify(file, ":p:h")
    end
    dir = parent
  end
end

local clients_by_root = {}

local function start(bufnr, opts)
  local config = { name = "promo", cmd = opts.cmd, root_dir = root_dir(bufnr, opts.root_markers) }
  if vim.lsp.start then
    vim.lsp.start(config, { bufnr = bufnr })
    return
  end
  local id = clients_by_root[config.root_dir]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    clients_by_root[config.root_dir] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

function M.setup(opts)
  opts = vim.tbl_extend("force", M.defaults, opts or {})
  if vim.filetype and vim.filetype.add then
    vim.filetype.add({ extension = { promo = "promo" } })
  end
  vim.api.nvim_create_autocmd("FileType", {
    pattern = "promo",
    group = vim.api.nvim_create_augroup("promo-lsp", { clear = true }),
    callback = function(args)
      start(args.buf, opts)
    end,
  })
end

return M
