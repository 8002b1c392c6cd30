-- Drives Neovim's built-in LSP client against `symbi lsp`, headless, and writes what the
-- editor saw as JSON for tests/editor/neovim.rs to assert on. Everything goes through
-- Neovim's own client: its didOpen/didChange (incremental, UTF-16 offsets), its diagnostic
-- store (byte columns converted from the server's ranges), its request helpers.
--
-- Environment: SYMBI_BIN (the server), AGENT (the file to edit), RESULT (where to write).
-- Written for Neovim 0.7 (`vim.lsp.start_client`), the oldest release the docs cover.

local result = {}
local function finish()
  local out = io.open(os.getenv("RESULT"), "w")
  out:write(vim.fn.json_encode(result))
  out:close()
  vim.cmd("qa!")
end

local function step(name, fn)
  local ok, err = pcall(fn)
  if not ok then
    result.error = name .. ": " .. tostring(err)
    finish()
  end
end

local function diagnostics(buf)
  local seen = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(seen, { code = d.code, lnum = d.lnum, col = d.col, end_col = d.end_col, severity = d.severity })
  end
  return seen
end

-- Sends `method` at (line, byte column) through the client and returns the first answer.
local function request_at(buf, method, line, col)
  vim.api.nvim_win_set_cursor(0, { line + 1, col })
  local params = vim.lsp.util.make_position_params()
  if method == "textDocument/references" then
    params.context = { includeDeclaration = true }
  end
  local answers = vim.lsp.buf_request_sync(buf, method, params, 10000) or {}
  for _, answer in pairs(answers) do
    if answer.error then
      error(method .. " failed: " .. vim.inspect(answer.error))
    end
    return answer.result
  end
end

local buf, client_id

step("open", function()
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("AGENT")))
  buf = vim.api.nvim_get_current_buf()
  client_id = vim.lsp.start_client({
    name = "symbi",
    cmd = { os.getenv("SYMBI_BIN"), "lsp" },
    root_dir = vim.fn.fnamemodify(os.getenv("AGENT"), ":p:h"),
  })
  assert(client_id, "the client did not start")
  vim.lsp.buf_attach_client(buf, client_id)
  vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 10)
  result.offset_encoding = vim.lsp.get_client_by_id(client_id).offset_encoding
  result.opened = diagnostics(buf)
end)

step("change", function()
  -- Replace `nope` (after the emoji on line 9) with `count`: Neovim sends an incremental
  -- change whose UTF-16 range the server must map back past the emoji.
  local line = vim.api.nvim_buf_get_lines(buf, 8, 9, true)[1]
  local start = line:find("nope", 1, true) - 1
  vim.api.nvim_buf_set_text(buf, 8, start, 8, start + 4, { "to_string(count)" })
  vim.wait(20000, function() return #vim.diagnostic.get(buf) == 0 end, 10)
  result.changed = diagnostics(buf)
end)

step("hover", function()
  local on_call = request_at(buf, "textDocument/hover", 9, 5)
  result.hover_function = on_call and on_call.contents.value or ""
  local on_builtin = request_at(buf, "textDocument/hover", 8, 6)
  result.hover_builtin = on_builtin and on_builtin.contents.value or ""
end)

step("completion", function()
  local items = request_at(buf, "textDocument/completion", 9, 4) or {}
  items = items.items or items
  result.completion = {}
  for _, item in ipairs(items) do
    table.insert(result.completion, item.label)
  end
end)

step("definition", function()
  local found = request_at(buf, "textDocument/definition", 9, 5)
  if found and found[1] then found = found[1] end
  result.definition = found and found.range.start or vim.NIL
end)

step("references", function()
  local found = request_at(buf, "textDocument/references", 12, 6) or {}
  result.references = #found
end)

step("symbols", function()
  local params = { textDocument = vim.lsp.util.make_text_document_params() }
  local answers = vim.lsp.buf_request_sync(buf, "textDocument/documentSymbol", params, 10000) or {}
  result.symbols = {}
  local function walk(symbols)
    for _, s in ipairs(symbols or {}) do
      table.insert(result.symbols, s.name)
      walk(s.children)
    end
  end
  for _, answer in pairs(answers) do walk(answer.result) end
end)

step("format", function()
  -- Break the layout of two lines, then let the server format the buffer back.
  vim.api.nvim_buf_set_lines(buf, 7, 8, true, { "let   count=3" })
  vim.api.nvim_buf_set_lines(buf, 13, 14, true, { "          return n" })
  vim.lsp.buf.formatting_sync(nil, 10000)
  result.formatted = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, true), "\n") .. "\n"
end)

step("stop", function()
  local client = vim.lsp.get_client_by_id(client_id)
  client.stop()
  result.stopped = vim.wait(10000, function() return client.is_stopped() end, 10)
end)

finish()
