" Comments are '#' to the end of the line; two-space indentation as `promo fmt` writes it.
setlocal commentstring=#\ %s comments=:# expandtab shiftwidth=2 softtabstop=2
