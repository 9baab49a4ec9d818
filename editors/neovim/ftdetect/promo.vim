" .promo files start with '#' comments, so without this Neovim's fallback detects them as 'conf'.
" `set filetype=` (not `setfiletype`) so that it wins even after that fallback ran.
autocmd BufRead,BufNewFile *.promo set filetype=promo
