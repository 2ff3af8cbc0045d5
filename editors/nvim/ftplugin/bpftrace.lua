-- Buffer settings for bpftrace scripts.
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = 1

vim.bo.commentstring = '// %s'
vim.bo.comments = 's1:/*,mb:*,ex:*/,://'
vim.bo.suffixesadd = '.bt'
-- `gf` on an `#include <...>` line or `import "x.bt"` should find the file.
vim.bo.include = [[^\s*\(#\s*include\|import\)]]
vim.opt_local.formatoptions:remove('t')
vim.opt_local.formatoptions:append('croql')

vim.b.undo_ftplugin = 'setlocal commentstring< comments< suffixesadd< include< formatoptions<'
