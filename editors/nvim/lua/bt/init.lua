-- bt.nvim: start the bt language server (`bt lsp`) for bpftrace buffers with
-- Neovim's built-in LSP client.
--
--   require('bt').setup({
--     cmd = { 'bt', 'lsp' },          -- or set `bt = '/path/to/bt'`
--     root_markers = { '.git' },      -- root = nearest dir with a marker, else the file's dir
--     on_attach = function(client, bufnr) end,
--   })
--
-- Works on Neovim 0.7 (vim.lsp.start_client) and newer (vim.lsp.start).

local M = {}

local uv = vim.uv or vim.loop

-- Neovim 0.7 only: client id per root directory.
local started = {}

local defaults = {
  bt = 'bt', -- the bt executable; ignored when `cmd` is given
  args = {}, -- extra arguments after `bt lsp`
  cmd = nil, -- full command, e.g. { '/opt/bt/bt', 'lsp', '-v' }
  name = 'bt',
  filetypes = { 'bpftrace' },
  root_markers = { '.git' },
  settings = {},
  init_options = nil,
  capabilities = nil,
  on_attach = nil,
  autostart = true,
}

M.config = vim.deepcopy(defaults)

local function notify(msg, level)
  vim.schedule(function()
    vim.notify('bt: ' .. msg, level or vim.log.levels.WARN)
  end)
end

--- The command that starts the server.
function M.cmd()
  if M.config.cmd then
    return vim.deepcopy(M.config.cmd)
  end
  local cmd = { M.config.bt, 'lsp' }
  vim.list_extend(cmd, M.config.args or {})
  return cmd
end

-- Nearest ancestor of `dir` (inclusive) containing one of `markers`.
local function find_root(dir, markers)
  if vim.fs and vim.fs.find then
    local found = vim.fs.find(markers, { path = dir, upward = true })[1]
    return found and vim.fs.dirname(found) or nil
  end
  -- Neovim 0.7: walk up by hand.
  local cur = dir
  while cur and cur ~= '' do
    for _, m in ipairs(markers) do
      if uv.fs_stat(cur .. '/' .. m) then
        return cur
      end
    end
    local parent = vim.fn.fnamemodify(cur, ':h')
    if parent == cur then
      break
    end
    cur = parent
  end
  return nil
end

--- Root directory for a buffer: the nearest directory with a root marker
--- (default `.git`), else the file's own directory (or cwd for unnamed buffers).
function M.root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr or 0)
  local dir
  if name == '' or name:match('^%a[%w+.-]*://') then
    dir = uv.cwd()
  else
    dir = vim.fn.fnamemodify(name, ':p:h')
  end
  return find_root(dir, M.config.root_markers or {}) or dir
end

local function on_attach(client, bufnr)
  -- Neovim 0.7 does not wire these up by itself.
  if vim.bo[bufnr].omnifunc == '' then
    vim.bo[bufnr].omnifunc = 'v:lua.vim.lsp.omnifunc'
  end
  if M.config.on_attach then
    M.config.on_attach(client, bufnr)
  end
end

local function all_clients()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients()
  end
  return vim.lsp.get_active_clients()
end

--- Start (or reuse) the server for `bufnr` and attach it. Returns the client id.
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local cmd = M.cmd()
  if vim.fn.executable(cmd[1]) ~= 1 then
    if not M._warned then
      M._warned = true
      notify(string.format("'%s' not found or not executable; set `bt` or `cmd` in require('bt').setup()", cmd[1]))
    end
    return nil
  end
  local root = M.root_dir(bufnr)
  local config = {
    name = M.config.name,
    cmd = cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    settings = M.config.settings,
    init_options = M.config.init_options,
    capabilities = M.config.capabilities or vim.lsp.protocol.make_client_capabilities(),
    on_attach = on_attach,
  }

  if vim.lsp.start then -- Neovim 0.8+: reuses a client with the same name and root
    return vim.lsp.start(config, { bufnr = bufnr })
  end

  -- Neovim 0.7: reuse by hand. get_active_clients() omits clients that are
  -- still initializing, so remember our own by root directory.
  local known = started[root]
  local client = known and vim.lsp.get_client_by_id(known)
  if client and not client.is_stopped() then
    vim.lsp.buf_attach_client(bufnr, client.id)
    return client.id
  end
  local id = vim.lsp.start_client(config)
  if id then
    started[root] = id
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

--- Stop every bt client, then start again for all bpftrace buffers.
function M.restart()
  local ids = {}
  for _, client in pairs(all_clients()) do
    if client.name == M.config.name then
      table.insert(ids, client.id)
    end
  end
  if #ids > 0 then
    vim.lsp.stop_client(ids)
  end
  vim.defer_fn(function()
    M.start_all()
  end, 500)
end

--- Attach to every loaded buffer whose filetype is handled.
function M.start_all()
  local fts = {}
  for _, ft in ipairs(M.config.filetypes) do
    fts[ft] = true
  end
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and fts[vim.bo[buf].filetype] then
      M.start(buf)
    end
  end
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  M._warned = false

  local group = vim.api.nvim_create_augroup('bt_lsp', { clear = true })
  if M.config.autostart then
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = M.config.filetypes,
      desc = 'Start bt lsp',
      callback = function(args)
        M.start(args.buf)
      end,
    })
    -- Buffers opened before setup() ran.
    M.start_all()
  end

  vim.api.nvim_create_user_command('BtLspStart', function()
    M.start(0)
  end, { desc = 'Start bt lsp for the current buffer' })
  vim.api.nvim_create_user_command('BtLspRestart', function()
    M.restart()
  end, { desc = 'Restart bt lsp' })
end

return M
