-- Headless end-to-end test of the bt.nvim plugin against a real `bt lsp`.
-- Run through test/run.sh, which sets:
--   BT_TEST_BIN     absolute path of the bt binary
--   BT_TEST_DIR     an empty temporary directory
--   BT_TEST_PLUGIN  the plugin directory (editors/nvim)
--   BT_TEST_BUDGET_MS  overall time budget (default 25000)
-- Exits 0 when every check passes, 1 with a "FAIL: ..." line otherwise.

local uv = vim.uv or vim.loop

local bin = os.getenv('BT_TEST_BIN')
local dir = os.getenv('BT_TEST_DIR')
local plugin = os.getenv('BT_TEST_PLUGIN')
local budget = tonumber(os.getenv('BT_TEST_BUDGET_MS') or '') or 25000
local deadline = uv.now() + budget

local function out(msg)
  io.stdout:write(msg .. '\n')
  io.stdout:flush()
end

local function finish(code, msg)
  out(msg)
  -- Kill the servers rather than waiting for a graceful shutdown.
  pcall(function()
    for _, c in pairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
      vim.lsp.stop_client(c.id, true)
    end
  end)
  os.exit(code)
end

local function fail(msg)
  finish(1, 'FAIL: ' .. msg)
end

-- Wait for cond() until the overall budget runs out; fail with `what`.
local function wait_for(what, cond)
  local left = deadline - uv.now()
  if left <= 0 or not vim.wait(left, cond, 20) then
    fail(string.format('timed out (%d ms budget) waiting for %s', budget, what))
  end
end

local function write(path, text)
  vim.fn.mkdir(vim.fn.fnamemodify(path, ':h'), 'p')
  local f = assert(io.open(path, 'w'))
  f:write(text)
  f:close()
end

-- Flatten Hover.contents (MarkupContent | MarkedString | MarkedString[]).
local function hover_text(contents)
  if type(contents) == 'string' then
    return contents
  elseif type(contents) ~= 'table' then
    return ''
  elseif contents.value then
    return contents.value
  end
  local parts = {}
  for _, c in ipairs(contents) do
    table.insert(parts, hover_text(c))
  end
  return table.concat(parts, '\n')
end

-- Send a request to the bt client of bufnr and return its result.
local function request(bufnr, method, params)
  local left = deadline - uv.now()
  if left <= 0 then
    fail('no time left for ' .. method)
  end
  local results, err = vim.lsp.buf_request_sync(bufnr, method, params, left)
  if not results then
    fail(string.format('%s: no response (%s)', method, tostring(err)))
  end
  for _, r in pairs(results) do
    if r.err then
      fail(string.format('%s: error response: %s', method, vim.inspect(r.err)))
    end
    return r.result
  end
  fail(method .. ': no client answered')
end

local attached = {}

-- Open a file and wait until the bt client is attached to its buffer.
local function open(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  if vim.bo[buf].filetype ~= 'bpftrace' then
    fail(string.format("filetype of %s is '%s', want 'bpftrace'", path, vim.bo[buf].filetype))
  end
  wait_for('the bt client to attach to ' .. vim.fn.fnamemodify(path, ':t'), function()
    return attached[buf] ~= nil
  end)
  return buf
end

local function position_of(buf, needle, after)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s, e = line:find(needle, 1, true)
    if s then
      -- ASCII test scripts: byte offsets equal UTF-16 offsets.
      return { line = i - 1, character = after and e or (s - 1) }
    end
  end
  fail('test script lacks ' .. needle)
end

local function run()
  out('nvim ' .. tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch
    .. ', bt: ' .. bin)

  -- A project with a .git marker; scripts live in a subdirectory.
  local root = dir .. '/proj'
  vim.fn.mkdir(root .. '/.git', 'p')
  local sub = root .. '/scripts'
  write(sub .. '/broken.bt', 'BEGIN\n{\n  @x = 1 +;\n}\n')
  write(sub .. '/hover.bt', 'kprobe:vfs_read\n{\n  @start[tid] = nsecs;\n}\n')
  write(sub .. '/complete.bt', 'kprobe:vfs_read\n{\n  @x = co\n}\n')
  write(sub .. '/shebang-tool', '#!/usr/bin/env bpftrace\nBEGIN { exit(); }\n')

  require('bt').setup({
    cmd = { bin, 'lsp' },
    on_attach = function(client, bufnr)
      attached[bufnr] = client.id
    end,
  })

  -- 0. filetype detection by shebang, and the ftplugin
  vim.cmd('edit ' .. vim.fn.fnameescape(sub .. '/shebang-tool'))
  if vim.bo.filetype ~= 'bpftrace' then
    fail("shebang file has filetype '" .. vim.bo.filetype .. "', want 'bpftrace'")
  end
  if vim.bo.commentstring ~= '// %s' then
    fail("commentstring is '" .. vim.bo.commentstring .. "', want '// %s'")
  end
  out('ok: filetype bpftrace from shebang, commentstring ' .. vim.bo.commentstring)

  -- 1. attach + root detection + diagnostics on a script with an error
  local buf = open(sub .. '/broken.bt')
  local client = vim.lsp.get_client_by_id(attached[buf])
  if client.config.root_dir ~= root then
    fail(string.format('root_dir is %s, want %s', tostring(client.config.root_dir), root))
  end
  out('ok: attached (client ' .. client.id .. ', root ' .. root .. ')')
  wait_for('diagnostics for broken.bt', function()
    return #vim.diagnostic.get(buf) > 0
  end)
  local d = vim.diagnostic.get(buf)[1]
  out(string.format('ok: diagnostics: %d:%d %s', d.lnum + 1, d.col + 1, d.message))

  -- 2. hover on the builtin `nsecs`
  buf = open(sub .. '/hover.bt')
  if attached[buf] ~= client.id then
    fail('a second client was started for the same root')
  end
  local hover = request(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = position_of(buf, 'nsecs'),
  })
  local text = hover and hover_text(hover.contents) or ''
  if not text:find('nsecs', 1, true) then
    fail('hover on nsecs does not mention nsecs: ' .. vim.inspect(hover))
  end
  out('ok: hover: ' .. (text:gsub('%s+', ' '):sub(1, 80)))

  -- 3. completion after `@x = co`
  buf = open(sub .. '/complete.bt')
  local result = request(buf, 'textDocument/completion', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = position_of(buf, '@x = co', true),
    context = { triggerKind = 1 },
  })
  local items = result and (result.items or result) or {}
  local labels = {}
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
    if item.label == 'count' or item.label:match('^count%(') then
      out(string.format('ok: completion: %d items, including %s', #items, item.label))
      finish(0, 'PASS')
    end
  end
  fail('completion after "@x = co" lacks count; got: ' .. table.concat(labels, ', ', 1, math.min(#labels, 30)))
end

if not (bin and dir and plugin) then
  out('FAIL: run this through editors/nvim/test/run.sh')
  os.exit(2)
end

-- Before startup finishes, so the regular ftdetect/ftplugin loading sees it.
vim.opt.runtimepath:prepend(plugin)

-- Run once startup is complete (filetype detection is on by then).
vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(function()
      local ok, err = xpcall(run, debug.traceback)
      if not ok then
        fail('error in test: ' .. tostring(err))
      end
    end)
  end,
})
