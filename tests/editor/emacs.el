;;; emacs.el --- drives Eglot against `symbi lsp' in batch mode  -*- lexical-binding: t -*-
;;
;; Opens AGENT with the setup docs/editors.md gives (a `symbi-mode' and an entry in
;; `eglot-server-programs'), lets Eglot (Debian's elpa-eglot, 1.9) start the server and
;; manage the buffer, edits it, asks for hover, completion, definition, references, the
;; outline and formatting through Eglot's own connection, and writes what the editor saw
;; as JSON to RESULT for tests/editor/emacs.rs to assert on.

(require 'eglot)
(require 'json)

(define-derived-mode symbi-mode prog-mode "symbi"
  "Major mode for symbi agent files."
  (setq-local comment-start "// "))
(add-to-list 'auto-mode-alist '("\\.\\(symbi\\|dsl\\)\\'" . symbi-mode))
(add-to-list 'eglot-server-programs `(symbi-mode . (,(getenv "SYMBI_BIN") "lsp")))

(defvar symbi-result nil "What the editor saw, as an alist.")

(defun symbi-note (key value)
  (push (cons key value) symbi-result))

(defun symbi-finish (code)
  (with-temp-file (getenv "RESULT")
    (insert (json-encode symbi-result)))
  (kill-emacs code))

(defun symbi-wait (predicate seconds)
  "Lets processes and timers run until PREDICATE holds or SECONDS pass."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    (funcall predicate)))

(defun symbi-diagnostics ()
  (mapcar (lambda (d)
            (let ((beg (flymake-diagnostic-beg d)))
              (save-excursion
                (goto-char beg)
                `((line . ,(1- (line-number-at-pos beg)))
                  ;; characters from the start of the line, not display columns
                  (char . ,(- beg (line-beginning-position)))
                  (length . ,(- (flymake-diagnostic-end d) beg))
                  (text . ,(flymake-diagnostic-text d))))))
          (flymake-diagnostics)))

(defun symbi-request-at (method line char)
  "Sends METHOD for the position at LINE (0-based) and character CHAR through Eglot."
  (goto-char (point-min))
  (forward-line line)
  (forward-char char)
  (let ((params (eglot--TextDocumentPositionParams)))
    (when (eq method :textDocument/references)
      (setq params (append params '(:context (:includeDeclaration t)))))
    (jsonrpc-request (eglot-current-server) method params)))

(defmacro symbi-step (name &rest body)
  `(condition-case err
       (progn ,@body)
     (error (symbi-note 'error (format "%s: %S" ,name err))
            (symbi-finish 1))))

(setq eglot-send-changes-idle-time 0.05
      eglot-sync-connect 10)

(symbi-step "open"
  (find-file (getenv "AGENT"))
  ;; What M-x eglot does (`eglot-ensure' waits for a command loop that batch mode lacks).
  (apply #'eglot (eglot--guess-contact))
  (symbi-wait (lambda () (eglot-current-server)) 20)
  (unless (eglot-current-server) (error "Eglot did not connect"))
  (symbi-wait (lambda () (flymake-diagnostics)) 20)
  (symbi-note 'opened (vconcat (symbi-diagnostics))))

(symbi-step "change"
  (goto-char (point-min))
  (search-forward "nope")
  (replace-match "to_string(count)" t t)
  ;; Interactively, idle timers send the change and restart Flymake; batch mode is never
  ;; idle, so do here what those timers do.
  (eglot--signal-textDocument/didChange)
  (symbi-wait (lambda () nil) 0.3)
  (flymake-start)
  (symbi-wait (lambda () (null (flymake-diagnostics))) 20)
  (symbi-note 'changed (vconcat (symbi-diagnostics))))

(symbi-step "hover"
  (symbi-note 'hover_function
              (plist-get (plist-get (symbi-request-at :textDocument/hover 9 5) :contents) :value))
  (symbi-note 'hover_builtin
              (plist-get (plist-get (symbi-request-at :textDocument/hover 8 6) :contents) :value)))

(symbi-step "completion"
  (let* ((answer (symbi-request-at :textDocument/completion 9 4))
         (items (if (vectorp answer) answer (plist-get answer :items))))
    (symbi-note 'completion (vconcat (mapcar (lambda (i) (plist-get i :label)) items)))))

(symbi-step "definition"
  (let* ((answer (symbi-request-at :textDocument/definition 9 5))
         (location (if (vectorp answer) (aref answer 0) answer))
         (start (plist-get (plist-get location :range) :start)))
    (symbi-note 'definition `((line . ,(plist-get start :line))
                              (character . ,(plist-get start :character))))))

(symbi-step "references"
  (symbi-note 'references (length (symbi-request-at :textDocument/references 12 6))))

(symbi-step "symbols"
  (let ((names nil))
    (cl-labels ((walk (symbols)
                  (mapc (lambda (s)
                          (push (plist-get s :name) names)
                          (walk (plist-get s :children)))
                        symbols)))
      (walk (jsonrpc-request (eglot-current-server) :textDocument/documentSymbol
                             `(:textDocument ,(eglot--TextDocumentIdentifier)))))
    (symbi-note 'symbols (vconcat (nreverse names)))))

(symbi-step "format"
  (goto-char (point-min))
  (forward-line 7)
  (delete-region (line-beginning-position) (line-end-position))
  (insert "let   count=3")
  (eglot-format-buffer)
  (symbi-note 'formatted (buffer-substring-no-properties (point-min) (point-max))))

(symbi-step "stop"
  (let* ((server (eglot-current-server))
         (process (jsonrpc--process server)))
    (eglot-shutdown server)
    (symbi-note 'stopped (if (symbi-wait (lambda () (not (process-live-p process))) 10) t :json-false))))

(symbi-finish 0)
