-- Filetype detection for bpftrace scripts: *.bt, or a `#!...bpftrace` shebang.
-- ftdetect files are sourced inside the `filetypedetect` augroup.
local group = vim.api.nvim_create_augroup('filetypedetect', { clear = false })

vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
  group = group,
  pattern = '*.bt',
  command = 'setfiletype bpftrace',
})

vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
  group = group,
  pattern = '*',
  callback = function()
    if vim.fn.did_filetype() ~= 0 then
      return
    end
    local first = vim.fn.getline(1)
    -- #!/usr/bin/bpftrace, #!/usr/bin/env bpftrace, #!/usr/bin/env -S bpftrace -q
    if first:match('^#!.*[/%s]bpftrace%s') or first:match('^#!.*[/%s]bpftrace$') then
      vim.cmd('setfiletype bpftrace')
    end
  end,
})
