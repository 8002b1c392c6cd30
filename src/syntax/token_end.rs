//! Where a pair's last token ends.
//!
//! pest skips whitespace and comments between the elements of a sequence before it tries
//! an optional or repeated element, and keeps the skip when that element is absent: the pair
//! of `return_stmt = { kw_return ~ expr? }` for `return // done` ends after the comment.
//! Every span the lowering records is cut back to the last token with [`token_end`], so
//! diagnostics, the formatter and the language server get spans that end where the
//! construct's text ends.

use super::parse::Rule;
use pest::iterators::Pair;

/// The end of `pair`'s last token (an offset into the parsed input), without the
/// whitespace and comments pest may have skipped after it.
pub fn token_end(pair: &Pair<'_, Rule>) -> usize {
    let input = pair.get_input().as_bytes();
    // Fast path, taken by most pairs: skipped trivia ends in whitespace, in the `/` of a
    // block comment, or (a line comment) at the end of the input; a token never does.
    let end = pair.as_span().end();
    if end < input.len() && end > 0 && !input[end - 1].is_ascii_whitespace() && input[end - 1] != b'/' {
        return end;
    }
    let mut pair = pair.clone();
    // Walk down the chain of last children: between a child's end and its parent's end lie
    // only trivia and the grammar's punctuation (`)`, `}`, `;`), which make no pairs.
    loop {
        let end = pair.as_span().end();
        let Some(last) = pair.clone().into_inner().next_back() else { return end };
        let child_end = last.as_span().end();
        if let Some(punct_end) = last_punctuation_end(input, child_end, end) {
            return punct_end;
        }
        pair = last;
    }
}

/// The end of the last byte in `input[from..to]` that is neither whitespace nor part of a
/// comment, if there is one. The range holds no string or other token with inner text,
/// so `#` and `/` can only start comments here.
fn last_punctuation_end(input: &[u8], from: usize, to: usize) -> Option<usize> {
    let mut last = None;
    let mut i = from;
    while i < to {
        match (input[i], input.get(i + 1).copied()) {
            (b' ' | b'\t' | b'\n' | b'\r', _) => i += 1,
            (b'#', _) | (b'/', Some(b'/')) => {
                while i < to && input[i] != b'\n' {
                    i += 1;
                }
            }
            (b'/', Some(b'*')) => i = block_comment_end(input, i, to),
            _ => {
                i += 1;
                last = Some(i);
            }
        }
    }
    last
}

/// One past the `*/` that closes the (nesting) block comment opening at `start`.
fn block_comment_end(input: &[u8], start: usize, to: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < to {
        match (input[i], input.get(i + 1).copied()) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                i += 2;
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    to
}

#[cfg(test)]
mod tests {
    use super::last_punctuation_end;

    #[test]
    fn trivia_is_skipped_and_punctuation_counts() {
        let text = b"x  // c\n /* a /* b */ */ # d\n";
        assert_eq!(last_punctuation_end(text, 1, text.len()), None);
        let text = b"x ) /* ; */ ; // }\n";
        assert_eq!(last_punctuation_end(text, 1, text.len()), Some(13));
    }
}
