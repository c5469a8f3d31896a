-- Drives Neovim's built-in LSP client (0.7+) against `bpfcheck server`:
-- attaches it to the current buffer, waits for the diagnostics, asks for
-- the code actions at the first one, applies the fix through the client's
-- own workspace-edit code, writes the file and quits. Prints what happened
-- for tests/unit/test_lsp.c; exits non-zero when a step fails.
-- Run: BPFCHECK=path/to/bpfcheck nvim --headless --clean -c 'luafile nvim.lua' FILE
local function say(s) io.stdout:write(s .. "\n") end
local function fail(s) say("error: " .. s); vim.cmd("cquit 1") end

local bin = os.getenv("BPFCHECK") or "bpfcheck"
local buf = vim.api.nvim_get_current_buf()
local t0 = vim.loop.hrtime()
local id = vim.lsp.start_client({
  name = "bpfcheck",
  cmd = { bin, "server" },
  root_dir = vim.fn.getcwd(),
})
if not id then fail("the server did not start") end
vim.lsp.buf_attach_client(buf, id)

if not vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 10) then
  fail("no diagnostics within 30 s")
end
local ms = (vim.loop.hrtime() - t0) / 1e6
local d = vim.diagnostic.get(buf)[1]
local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or "?"
say(string.format("diagnostics: %s at %d:%d, %d ms after start", code, d.lnum + 1, d.col + 1, ms))

local client = vim.lsp.get_client_by_id(id)
local pos = { line = d.lnum, character = d.col }
local resp = client.request_sync("textDocument/codeAction", {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = pos, ["end"] = pos },
  context = { diagnostics = {} },
}, 10000, buf)
if not resp or resp.err or not resp.result then fail("no code actions") end
local fix
for _, a in ipairs(resp.result) do
  say("action: " .. a.title)
  if a.edit and a.title:find("^replace count%(%)") then fix = a end
end
if not fix then fail("no fix among the code actions") end
vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
say("applied: " .. fix.title)
vim.cmd("write")
vim.lsp.stop_client(id)
vim.cmd("qall!")
