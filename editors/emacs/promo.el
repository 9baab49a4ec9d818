;;; promo.el --- .promo files with promo-lsp through eglot  -*- lexical-binding: t; -*-
;; Load from init.el: (load "/path/to/editors/emacs/promo.el")
;; eglot is built into Emacs 29+; on Emacs 28 install it from GNU ELPA (M-x package-install RET eglot).
;; Needs `promo-lsp' on PATH (npm install -g @promo/lsp, or a project's node_modules/.bin).

(define-derived-mode promo-mode prog-mode "Promo"
  "Major mode for .promo promotion rule files."
  (setq-local comment-start "# ")
  (setq-local comment-start-skip "#+\\s-*")
  (setq-local indent-tabs-mode nil)
  (setq-local tab-width 2)
  (modify-syntax-entry ?# "<" promo-mode-syntax-table)
  (modify-syntax-entry ?\n ">" promo-mode-syntax-table)
  (modify-syntax-entry ?- "_" promo-mode-syntax-table))

(add-to-list 'auto-mode-alist '("\\.promo\\'" . promo-mode))

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs '(promo-mode . ("promo-lsp" "--stdio"))))

(add-hook 'promo-mode-hook #'eglot-ensure)

(provide 'promo)
;;; promo.el ends here
