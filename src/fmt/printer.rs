//! The printer's state and where comments go.
//!
//! The tree is printed in source order; each comment is printed when the printer reaches
//! its place. A comment on a line of its own is printed on a line of its own before the
//! next element (a statement, an item, an entry, a list element), a comment that follows
//! code on its line stays at the end of that line, and a comment in the middle of an
//! expression stays there (after a `//` comment the expression goes on on the next line). Blank lines between elements are kept, at most one.
//! The layout of each construct is in `items.rs`, `stmt.rs` and `expr.rs`.

use super::comments::{Comment, CommentKind};
use super::writer::Writer;
use crate::diag::{LineIndex, Span};

/// How the space before an element of a sequence is decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// The first element after an opening bracket: never a blank line before it.
    First,
    /// A blank line when the source has one (or more) there.
    Keep,
    /// Always one blank line (between top-level items).
    Force,
}

/// Prints one source text's tree with its comments.
pub struct Printer<'a> {
    /// The source text the tree was parsed from.
    pub src: &'a str,
    /// The output.
    pub w: Writer,
    comments: Vec<Comment>,
    next: usize,
    /// End of the last element or comment printed, for finding blank lines after it.
    last_end: usize,
    lines: LineIndex,
    /// Greater than zero while a layout is tried on one line.
    pub flat: usize,
}

impl<'a> Printer<'a> {
    /// A printer for `src`, whose comments are `comments` (in source order).
    pub fn new(src: &'a str, comments: Vec<Comment>) -> Self {
        Printer {
            src,
            w: Writer::default(),
            comments,
            next: 0,
            last_end: 0,
            lines: LineIndex::new(src),
            flat: 0,
        }
    }

    /// The output, once the tree is printed; comments after the last item come last.
    pub fn finish(mut self) -> String {
        self.comment_lines(self.src.len(), Gap::Keep);
        self.w.finish()
    }

    /// Prints `n` elements one per line: comments and blank lines before each, `sep` after
    /// each, trailing comments on its line, then the comments before `close` (the closing
    /// bracket's offset). `span(i)` is the i-th element's span.
    pub fn sequence(
        &mut self,
        n: usize,
        span: impl Fn(usize) -> Span,
        mut print: impl FnMut(&mut Self, usize),
        sep: impl Fn(usize) -> &'static str,
        gap: Gap,
        close: usize,
    ) {
        for i in 0..n {
            let s = span(i);
            let gap = if i == 0 && gap != Gap::Force { Gap::First } else { gap };
            self.leading(s.start, gap);
            print(self, i);
            self.w.write(sep(i));
            self.last_end = self.last_end.max(s.end);
            let until = if i + 1 < n { span(i + 1).start } else { close };
            self.trailing(s.end, until);
            self.w.newline();
        }
        self.comment_lines(close, if n == 0 { Gap::First } else { Gap::Keep });
    }

    /// Notes that the element printed next starts right after `offset` (an opening
    /// bracket), so blank lines are measured from there.
    pub fn opened_at(&mut self, offset: usize) {
        self.last_end = offset;
    }

    /// True when a comment lies between `start` and `end`.
    pub fn has_comments(&self, start: usize, end: usize) -> bool {
        let i = self.comments.partition_point(|c| c.start < start);
        self.comments.get(i).is_some_and(|c| c.start < end)
    }

    /// True when a comment between `start` and `end` needs lines of its own (a line
    /// comment, one on a line of its own, or one spanning lines): such a construct is never
    /// squeezed onto one line. `/* short */` notes between elements do not count.
    pub fn has_line_comments(&self, start: usize, end: usize) -> bool {
        let i = self.comments.partition_point(|c| c.start < start);
        self.comments[i..]
            .iter()
            .take_while(|c| c.start < end)
            .any(|c| c.kind == CommentKind::Line || c.own_line || c.text.contains('\n'))
    }

    /// Where the comment cursor is, to come back to when a tried layout is dropped.
    pub fn checkpoint(&self) -> (usize, usize, usize) {
        (self.w.mark(), self.next, self.last_end)
    }

    /// Drops everything printed since `checkpoint`, comments included.
    pub fn rewind(&mut self, (mark, next, last_end): (usize, usize, usize)) {
        self.w.truncate(mark);
        self.next = next;
        self.last_end = last_end;
    }

    /// The comments before `pos` and the blank line before the element at `pos`.
    pub fn leading(&mut self, pos: usize, gap: Gap) {
        let printed = self.comment_lines(pos, gap);
        if printed && !self.w.at_line_start() && !self.w.line_closed() {
            // `/* note */ code` on one line stays so.
            return;
        }
        match gap {
            Gap::Force if !printed => self.w.blank_line(),
            Gap::First if !printed => self.w.ensure_line_start(),
            _ if self.blank_before(pos) => self.w.blank_line(),
            _ => self.w.ensure_line_start(),
        }
    }

    /// Prints the comments before `pos` as lines; true if there were any.
    fn comment_lines(&mut self, pos: usize, gap: Gap) -> bool {
        let mut first = true;
        while let Some(c) = self.comments.get(self.next).filter(|c| c.start < pos).cloned() {
            self.next += 1;
            if c.own_line {
                match gap {
                    Gap::Force if first => self.w.blank_line(),
                    Gap::First if first => self.w.ensure_line_start(),
                    _ if self.blank_before(c.start) => self.w.blank_line(),
                    _ => self.w.ensure_line_start(),
                }
                self.w.write(&c.text);
                if c.kind == CommentKind::Line || c.ends_line {
                    self.w.newline();
                } else {
                    self.w.write(" ");
                }
            } else {
                self.comment_in_line(&c);
            }
            self.last_end = c.end;
            first = false;
        }
        !first
    }

    /// The comments that follow the element ending at `end` on its source line, before the
    /// next element at `until` (and any left over inside it), at the end of the output line.
    pub fn trailing(&mut self, end: usize, until: usize) {
        let line = self.lines.line_of(end.min(self.src.len()));
        while let Some(c) = self.comments.get(self.next).cloned() {
            let on_line = !c.own_line && c.start < until && self.lines.line_of(c.start) == line;
            if c.start >= end && !on_line {
                break;
            }
            self.next += 1;
            if c.own_line && c.start < end {
                // Left inside the element after its last printed token (before a closing
                // parenthesis the layout drops): nothing of the element follows it, so it
                // goes on a line of its own at the element's indentation, where formatting
                // the output finds it again before the next element.
                self.w.ensure_line_start();
                self.w.line_comment(&c.text);
                self.last_end = self.last_end.max(c.end);
                continue;
            }
            match c.kind {
                CommentKind::Line => {
                    if c.own_line {
                        self.w.continue_on_next_line();
                    }
                    self.w.line_comment(&c.text);
                }
                CommentKind::Block => {
                    self.w.space();
                    self.w.write(&c.text);
                }
            }
            self.last_end = self.last_end.max(c.end);
        }
    }

    /// The comments before `pos` in the middle of a line (inside an expression, before a
    /// closing bracket).
    pub fn inline(&mut self, pos: usize) {
        while let Some(c) = self.comments.get(self.next).filter(|c| c.start < pos).cloned() {
            self.next += 1;
            self.comment_in_line(&c);
            self.last_end = self.last_end.max(c.end);
        }
    }

    fn comment_in_line(&mut self, c: &Comment) {
        match c.kind {
            CommentKind::Line if self.w.at_line_start() => {
                self.w.write(&c.text);
                self.w.newline();
            }
            // Nothing may follow a `//` comment on its line: the expression goes on on the
            // next line, one level deeper.
            CommentKind::Line => {
                if c.own_line {
                    self.w.continue_on_next_line();
                }
                self.w.line_comment(&c.text);
            }
            // A note on a line of its own stays on a line of its own, so the layout
            // (which breaks around such notes) comes out the same when formatted again.
            CommentKind::Block if c.own_line => {
                self.w.continue_on_next_line();
                self.w.write(&c.text);
                if c.ends_line {
                    self.w.continue_on_next_line();
                } else {
                    self.w.write(" ");
                }
            }
            CommentKind::Block => {
                self.w.space();
                self.w.write(&c.text);
                self.w.write(" ");
            }
        }
    }

    /// True when the source has a blank line between the last thing printed and `pos`.
    fn blank_before(&self, pos: usize) -> bool {
        let from = self.last_end.min(pos).min(self.src.len());
        let to = pos.min(self.src.len());
        self.src.as_bytes()[from..to].iter().filter(|&&b| b == b'\n').count() >= 2
    }

    /// The offset of the first `ch` in `from..limit` outside comments (a bracket the tree
    /// has no span for), or `from` when there is none.
    pub fn find(&self, ch: char, from: usize, limit: usize) -> usize {
        let limit = limit.min(self.src.len());
        let mut i = from;
        while i < limit {
            let c = self.comments.partition_point(|c| c.end <= i);
            if let Some(comment) = self.comments.get(c).filter(|c| c.start <= i) {
                i = comment.end;
                continue;
            }
            if self.src.as_bytes()[i] == ch as u8 {
                return i;
            }
            i += 1;
        }
        from
    }

    /// The source text of a span (empty if the span is not in the text).
    pub fn text(&self, span: Span) -> &'a str {
        self.src.get(span.start..span.end).unwrap_or("")
    }
}
