;; Drives Emacs (batch) with editors/emacs/promo.el and eglot against promo-lsp; prints what it saw.
;; The server is started from this checkout (PROMO_NODE, PROMO_REPO) instead of `promo-lsp` on PATH.
(require 'eglot)
(load (expand-file-name "editors/emacs/promo.el" (getenv "PROMO_REPO")))
(setq eglot-server-programs (cons `(promo-mode . (,(getenv "PROMO_NODE") ,(expand-file-name "packages/lsp/bin/promo-lsp.js" (getenv "PROMO_REPO")) "--stdio")) eglot-server-programs))
(find-file (getenv "PROMO_FILE"))
(princ (format "mode: %s\n" major-mode))
;; eglot-ensure waits for the first command, which never comes in batch mode: connect as M-x eglot would.
(apply #'eglot (eglot--guess-contact))
(let ((deadline (+ (float-time) 60)) found)
  (while (and (not found) (< (float-time) deadline))
    (accept-process-output nil 0.2)
    (setq found (seq-find (lambda (d) (string-match-p "automatc" (flymake-diagnostic-text d))) (flymake-diagnostics))))
  (princ (format "eglot: %s\n" (and (eglot-current-server) t)))
  (princ (format "diagnostic: %s\n" (and found (flymake-diagnostic-text found)))))
(kill-emacs 0)
