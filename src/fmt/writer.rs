//! The output text: indentation, line ends and blank lines.
//!
//! Everything the printer writes goes through here, so the rules that keep the output
//! valid live in one place: a `//` comment is always the last thing on its line (text
//! written after it would be commented out, so it goes on the next line), lines carry no
//! trailing whitespace, and at most one blank line separates two lines.

/// Spaces per indentation level.
pub const INDENT: &str = "  ";

/// The preferred longest line; lists, maps, arguments and parameters break beyond it.
pub const MAX_WIDTH: usize = 100;

/// The formatted text being built.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
    /// Current indentation level, applied when the first text of a line is written.
    pub indent: usize,
    /// The current line ends with a line comment: the next text must start a new line.
    line_closed: bool,
}

impl Writer {
    /// Appends `text` to the current line, indenting it if it starts the line.
    pub fn write(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        // Text after a line comment continues its construct on the next line, one level in.
        let continuation = usize::from(self.line_closed);
        if self.line_closed {
            self.newline();
        }
        if self.at_line_start() {
            for _ in 0..self.indent + continuation {
                self.out.push_str(INDENT);
            }
        }
        self.out.push_str(text);
    }

    /// Writes a single space unless the line is empty or already ends in one.
    pub fn space(&mut self) {
        if !self.at_line_start() && !self.out.ends_with(' ') && !self.line_closed {
            self.out.push(' ');
        }
    }

    /// Drops spaces at the end of the current line (before a closing bracket).
    pub fn trim_space(&mut self) {
        if !self.line_closed {
            while self.out.ends_with(' ') {
                self.out.pop();
            }
        }
    }

    /// Ends the current line.
    pub fn newline(&mut self) {
        self.trim_trailing();
        self.out.push('\n');
        self.line_closed = false;
    }

    /// Ends the current line if anything is on it.
    pub fn ensure_line_start(&mut self) {
        if !self.at_line_start() {
            self.newline();
        }
    }

    /// Starts a new line after exactly one blank line (never at the start of the text or
    /// right after an opening bracket).
    pub fn blank_line(&mut self) {
        self.ensure_line_start();
        let body = self.out.trim_end_matches('\n');
        if body.is_empty() || body.ends_with(['{', '[', '(']) || self.out.ends_with("\n\n") {
            return;
        }
        self.out.push('\n');
    }

    /// Writes a line comment at the end of the current line; the line then ends.
    pub fn line_comment(&mut self, text: &str) {
        // After another line comment this starts a new line, one level in (see `write`).
        if !self.line_closed {
            self.space();
        }
        self.write(text);
        self.line_closed = true;
    }

    /// Makes the next text start a new line, one level in, as after a line comment.
    pub fn continue_on_next_line(&mut self) {
        if !self.at_line_start() {
            self.line_closed = true;
        }
    }

    /// True when the current line ends with a line comment.
    pub fn line_closed(&self) -> bool {
        self.line_closed
    }

    /// True when the text so far ends with `c`.
    pub fn ends_with(&self, c: char) -> bool {
        self.out.ends_with(c)
    }

    /// True when nothing has been written on the current line yet.
    pub fn at_line_start(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
    }

    /// The length of the text so far, to come back to with [`Writer::truncate`].
    pub fn mark(&self) -> usize {
        self.out.len()
    }

    /// Forgets everything written after `mark` (a layout that did not fit).
    pub fn truncate(&mut self, mark: usize) {
        self.out.truncate(mark);
    }

    /// Whether the text written since `mark` fits: the line it starts on and the line it
    /// ends on stay within [`MAX_WIDTH`] (lines of a raw string in between are its own).
    pub fn fits_since(&self, mark: usize) -> bool {
        let line_start = self.out[..mark].rfind('\n').map_or(0, |n| n + 1);
        let segment = &self.out[line_start..];
        let first = segment.split('\n').next().unwrap_or("");
        let last = segment.rsplit('\n').next().unwrap_or("");
        first.chars().count() <= MAX_WIDTH && last.chars().count() <= MAX_WIDTH
    }

    /// The finished text: one newline at the end, none if there is nothing.
    pub fn finish(mut self) -> String {
        self.ensure_line_start();
        let len = self.out.trim_end().len();
        self.out.truncate(len);
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out
    }

    fn trim_trailing(&mut self) {
        while self.out.ends_with(' ') || self.out.ends_with('\t') {
            self.out.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_after_a_line_comment_continues_one_level_in() {
        let mut w = Writer::default();
        w.write("a {");
        w.indent = 1;
        w.newline();
        w.write("x +");
        w.line_comment("// why");
        w.write("y");
        w.newline();
        w.indent = 0;
        w.write("}");
        assert_eq!(w.finish(), "a {\n  x + // why\n    y\n}\n");
    }

    #[test]
    fn nothing_follows_a_line_comment_on_its_line() {
        let mut w = Writer::default();
        w.write("a");
        w.line_comment("// c");
        w.write("b");
        assert_eq!(w.finish(), "a // c\n  b\n");
    }

    #[test]
    fn a_second_line_comment_gets_its_own_line() {
        let mut w = Writer::default();
        w.write("a +");
        w.line_comment("// one");
        w.line_comment("// two");
        w.write("b");
        assert_eq!(w.finish(), "a + // one\n  // two\n  b\n");
    }

    #[test]
    fn blank_lines_collapse_and_never_follow_an_opening_brace() {
        let mut w = Writer::default();
        w.blank_line();
        w.write("a {");
        w.blank_line();
        w.write("b");
        w.blank_line();
        w.blank_line();
        w.write("c");
        assert_eq!(w.finish(), "a {\nb\n\nc\n");
    }
}
