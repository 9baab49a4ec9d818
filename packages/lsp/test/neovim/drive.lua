-- Drives Neovim's own LSP client against promo-lsp, step by step, and writes what it saw as JSON to
-- $PROMO_RESULT. Every wait is for a condition, bounded generously; nothing here measures time.
local out = assert(os.getenv("PROMO_RESULT"), "PROMO_RESULT is not set")
local file = assert(os.getenv("PROMO_FILE"), "PROMO_FILE is not set")
local BOUND = 60000
local results = {}

local function client_of(buf)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = buf })[1]
  end
  for _, c in pairs(vim.lsp.buf_get_clients(buf)) do
    return c
  end
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function errors(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.severity == vim.diagnostic.severity.ERROR then
      table.insert(list, d)
    end
  end
  return list
end

local function wait_for(what, condition)
  if not vim.wait(BOUND, condition, 20) then
    error("gave up waiting for " .. what)
  end
end

local function lines(buf)
  return vim.api.nvim_buf_get_lines(buf, 0, -1, false)
end

local function find_line(buf, pattern)
  for i, line in ipairs(lines(buf)) do
    if line:find(pattern) then
      return i - 1, line
    end
  end
  error("no line matches " .. pattern)
end

local function request(client, buf, method, params)
  local response, err = client.request_sync(method, params, BOUND, buf)
  if not response then
    error(method .. ": " .. tostring(err))
  end
  if response.err then
    error(method .. ": " .. vim.inspect(response.err))
  end
  return response.result
end

local function run()
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(buf)
  results.filetype = vim.bo[buf].filetype
  results.nvim = vim.version()

  wait_for("the client to attach and initialize", function()
    local c = client_of(buf)
    return c ~= nil and c.server_capabilities ~= nil and next(c.server_capabilities) ~= nil
  end)
  local client = client_of(buf)
  results.client = client.name
  local encoding = client.offset_encoding or "utf-16"

  -- 1. Introduce an error and read the diagnostic.
  local kind_row = find_line(buf, "^  kind automatic$")
  vim.api.nvim_buf_set_lines(buf, kind_row, kind_row + 1, false, { "  kind automatc" })
  wait_for("the unknown-kind diagnostic", function()
    for _, d in ipairs(errors(buf)) do
      if code_of(d) == "unknown-kind" then
        return true
      end
    end
    return false
  end)
  local diagnostic = errors(buf)[1]
  results.diagnostic = { code = code_of(diagnostic), message = diagnostic.message, lnum = diagnostic.lnum, col = diagnostic.col }

  -- 2. Apply its quick fix and see the error go away.
  -- Neovim 0.8+ keeps the whole LSP diagnostic in user_data.lsp; 0.7 keeps only the extra fields (code, data).
  local lsp_diagnostic = vim.deepcopy((diagnostic.user_data and diagnostic.user_data.lsp) or {})
  lsp_diagnostic.range = lsp_diagnostic.range or {
    start = { line = diagnostic.lnum, character = diagnostic.col },
    ["end"] = { line = diagnostic.end_lnum, character = diagnostic.end_col },
  }
  lsp_diagnostic.message = lsp_diagnostic.message or diagnostic.message
  lsp_diagnostic.severity = lsp_diagnostic.severity or diagnostic.severity
  local actions = request(client, buf, "textDocument/codeAction", {
    textDocument = { uri = uri },
    range = lsp_diagnostic.range,
    context = { diagnostics = { lsp_diagnostic } },
  })
  local chosen
  for _, action in ipairs(actions or {}) do
    if action.isPreferred then
      chosen = action
    end
  end
  chosen = chosen or (actions or {})[1]
  results.quickfix = { title = chosen and chosen.title, count = #(actions or {}) }
  vim.lsp.util.apply_workspace_edit(chosen.edit, encoding)
  results.quickfix.line = lines(buf)[kind_row + 1]
  wait_for("the errors to clear after the quick fix", function()
    return #errors(buf) == 0
  end)
  results.quickfix.errors_after = #errors(buf)

  -- 3. Completion after `kind `.
  vim.api.nvim_buf_set_lines(buf, kind_row, kind_row + 1, false, { "  kind " })
  local completion = request(client, buf, "textDocument/completion", {
    textDocument = { uri = uri },
    position = { line = kind_row, character = 7 },
  })
  local items = completion and (completion.items or completion) or {}
  results.completion = {}
  for _, item in ipairs(items) do
    table.insert(results.completion, item.label)
  end
  vim.api.nvim_buf_set_lines(buf, kind_row, kind_row + 1, false, { "  kind automatic" })

  -- 4. Hover over a use of the scope.
  local use_row, use_line = find_line(buf, " on welcome ")
  local hover = request(client, buf, "textDocument/hover", {
    textDocument = { uri = uri },
    position = { line = use_row, character = use_line:find(" on welcome ") + 4 },
  })
  local contents = hover and hover.contents
  results.hover = type(contents) == "table" and (contents.value or vim.inspect(contents)) or tostring(contents)

  -- 5. Rename the scope at its declaration and read the buffer back.
  local decl_row, decl_line = find_line(buf, "^scope welcome ")
  local rename = request(client, buf, "textDocument/rename", {
    textDocument = { uri = uri },
    position = { line = decl_row, character = decl_line:find("welcome") },
    newName = "newcomer",
  })
  vim.lsp.util.apply_workspace_edit(rename, encoding)
  results.renamed = table.concat(lines(buf), "\n")

  -- 6. Mangle the layout, format, and read both back (the test compares with `promo fmt`).
  local mangled = {}
  for _, line in ipairs(lines(buf)) do
    table.insert(mangled, (line:gsub("^  (%S)", "      %1"):gsub("^(%a+) ", "%1    ")))
  end
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, mangled)
  results.before_format = table.concat(mangled, "\n") .. "\n"
  local edits = request(client, buf, "textDocument/formatting", {
    textDocument = { uri = uri },
    options = { tabSize = 2, insertSpaces = true },
  })
  vim.lsp.util.apply_text_edits(edits or {}, buf, encoding)
  results.formatted = table.concat(lines(buf), "\n") .. "\n"
end

local ok, err = pcall(run)
results.ok = ok
if not ok then
  results.error = tostring(err)
end
local handle = assert(io.open(out, "w"))
handle:write(vim.fn.json_encode(results))
handle:close()
vim.cmd("qa!")
