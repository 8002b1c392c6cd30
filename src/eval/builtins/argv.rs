//! Splitting a command line into argv the way a POSIX shell splits words — quotes and
//! backslashes — without expanding anything: no variables, globs or operators, and no
//! shell ever runs the result.

/// Splits `line` into words. Errors name what is unbalanced.
pub fn split_command_line(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    // A word exists once any character (or an empty pair of quotes) was seen.
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("a single quote is not closed".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            // Inside double quotes a backslash escapes only these, as in sh.
                            Some(e @ ('"' | '\\' | '$' | '`')) => word.push(e),
                            Some('\n') => {}
                            Some(other) => {
                                word.push('\\');
                                word.push(other);
                            }
                            None => return Err("a double quote is not closed".into()),
                        },
                        Some(c) => word.push(c),
                        None => return Err("a double quote is not closed".into()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(c) => {
                    in_word = true;
                    word.push(c);
                }
                None => return Err("the line ends with a lone backslash".into()),
            },
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::split_command_line as split;

    fn ok(line: &str) -> Vec<String> {
        split(line).unwrap_or_else(|e| vec![format!("error: {e}")])
    }

    #[test]
    fn words_split_like_a_shell() {
        assert_eq!(ok("python3 process.py"), ["python3", "process.py"]);
        assert_eq!(ok("  echo   'a b'  \"c d\" e\\ f "), ["echo", "a b", "c d", "e f"]);
        assert_eq!(ok(r#"echo "say \"hi\" \n" '$HOME'"#), ["echo", r#"say "hi" \n"#, "$HOME"]);
        assert_eq!(ok("printf '' x"), ["printf", "", "x"]);
        assert_eq!(ok("a'b'\"c\""), ["abc"]);
        assert!(ok("").is_empty());
    }

    #[test]
    fn nothing_is_expanded() {
        assert_eq!(
            ok("echo $HOME *.txt ; rm -rf / | cat"),
            ["echo", "$HOME", "*.txt", ";", "rm", "-rf", "/", "|", "cat"]
        );
    }

    #[test]
    fn unbalanced_quotes_are_errors() {
        assert!(split("echo 'a").is_err());
        assert!(split("echo \"a").is_err());
        assert!(split("echo a\\").is_err());
    }
}
