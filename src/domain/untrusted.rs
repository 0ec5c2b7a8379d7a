//! Text that agents wrote (feature names, descriptions, ids, roles, messages, file names) is
//! untrusted: each function here makes it safe for one place it goes. Leptos escapes what a
//! view puts in HTML text and attributes; these cover the rest (see `docs/SECURITY.md`).

/// HTML escaping for text that goes between tags or inside quoted attribute values, where
/// the hub writes HTML itself (rendered output, the document title on the server).
///
/// `text` with `& < > " '` escaped and NUL replaced (browsers would replace it anyway).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    escape_html_into(&mut out, text);
    out
}

pub fn escape_html_into(out: &mut String, text: &str) {
    let mut start = 0;
    for (index, byte) in text.bytes().enumerate() {
        let replacement = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            b'\0' => "\u{FFFD}",
            _ => continue,
        };
        // Only ASCII bytes are replaced, so `index` is always a character boundary.
        out.push_str(&text[start..index]);
        out.push_str(replacement);
        start = index + 1;
    }
    out.push_str(&text[start..]);
}

/// Characters that change how the text around them is shown without being seen: bidi
/// embeddings, overrides and isolates ("Trojan Source"), zero-width joiners and spaces, the
/// byte-order mark, and the line and paragraph separators.
pub fn is_invisible_control(c: char) -> bool {
    matches!(c,
        '\u{061C}'                // Arabic letter mark
        | '\u{200B}'..='\u{200F}' // zero-width space, (non-)joiner, LRM, RLM
        | '\u{2028}' | '\u{2029}' // line and paragraph separators
        | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
        | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}' // bidi isolates
        | '\u{FEFF}'              // byte-order mark / zero-width no-break space
    )
}

/// One line of plain text for places that show no markup and no layout of their own: the
/// document title, a notification, a download's file name, a line to paste into a terminal.
/// Control characters (newlines included) become spaces, invisible controls go, runs of
/// whitespace become one space, and the result is cut to `max_chars` with an ellipsis.
pub fn plain_line(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(4)));
    let mut chars = 0;
    let mut pending_space = false;
    for c in text.chars() {
        if is_invisible_control(c) {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        let needed = usize::from(pending_space) + 1;
        if chars + needed > max_chars {
            // Leave room for the ellipsis.
            while chars >= max_chars.max(1) {
                out.pop();
                chars -= 1;
            }
            out.push('…');
            return out;
        }
        if pending_space {
            out.push(' ');
            chars += 1;
            pending_space = false;
        }
        out.push(c);
        chars += 1;
    }
    out
}

/// Escapes one line of untrusted text for inline Markdown: every character that can start
/// markup (emphasis, code spans, links, raw HTML, autolinks, tables, strikethrough, entities)
/// is backslash-escaped, so the line renders as the characters it holds and cannot close or
/// open anything around it. Newlines must already be gone (see [`markdown_line`]).
fn escape_inline(line: &str, out: &mut String) {
    for c in line.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Escapes a line that starts a line of the document: the inline escapes, plus the first
/// character when it could open a block the inline escapes leave alone (heading, list item,
/// thematic break, setext underline), and a leading ordered-list marker (`1.` / `1)`).
/// Leading whitespace goes, so the line cannot become an indented code block.
fn escape_line_start(line: &str, out: &mut String) {
    let line = line.trim_start();
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && matches!(line.as_bytes().get(digits), Some(b'.' | b')')) {
        out.push_str(&line[..digits]);
        out.push('\\');
        escape_inline(&line[digits..], out);
        return;
    }
    if line.starts_with(['#', '-', '+', '=']) {
        out.push('\\');
    }
    escape_inline(line, out);
}

/// One line of untrusted text inside a Markdown line written by the hub (a heading, a
/// sentence): collapsed to one line, invisible controls removed, markup escaped.
pub fn markdown_line(text: &str) -> String {
    let line = plain_line(text, usize::MAX);
    let mut out = String::with_capacity(line.len() + 8);
    escape_inline(&line, &mut out);
    out
}

/// Untrusted text as an inline code span: fenced by more backticks than any run inside it, so
/// it cannot close early; one line, invisible controls removed.
pub fn markdown_code(text: &str) -> String {
    let line = plain_line(text, usize::MAX);
    let mut longest = 0;
    let mut run = 0;
    for c in line.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A space on each side keeps a backtick at either end from joining the fence.
    let pad = if line.starts_with('`') || line.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{line}{pad}{fence}")
}

/// Untrusted text (a whole file, say) as a fenced code block: the fence is longer than any run
/// of backticks inside, so no line can close it early; invisible controls are removed. `info`
/// is the hub's own (a language name), never the author's.
pub fn markdown_fenced(text: &str, info: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    let body: String = text.chars().filter(|c| !is_invisible_control(*c)).collect();
    let body = body.trim_end_matches('\n');
    format!("{fence}{info}\n{body}\n{fence}")
}

/// Untrusted text as Markdown paragraphs of its own: line breaks and blank lines are kept, but
/// no line can open a heading, a fence, a list, a quote, a table or raw HTML, and no character
/// can start inline markup. Rendered, it reads as the characters the author typed.
pub fn markdown_paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut blank_run = 0;
    for raw in text.trim().lines() {
        let line: String = raw
            .chars()
            .filter(|c| !is_invisible_control(*c))
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            // One blank line between paragraphs, however many the author left.
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        escape_line_start(line, &mut out);
    }
    out
}

/// `'text'` for a POSIX shell: read back as exactly `text`, whatever it holds.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// One word of a command line: as it is when the shell reads it back unchanged (letters,
/// digits, `-_./:=@%+,`), else [`shell_quote`]d.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        word.to_owned()
    } else {
        shell_quote(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_they_need_it() {
        assert_eq!(shell_quote("/a b"), "'/a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_word("AUTH-7-1767000000000"), "AUTH-7-1767000000000");
        assert_eq!(shell_word("/opt/hub"), "/opt/hub");
        assert_eq!(shell_word("my tools"), "'my tools'");
        assert_eq!(shell_word("$(rm -rf ~)"), "'$(rm -rf ~)'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn escapes_markup_quotes_and_nul() {
        assert_eq!(
            escape_html("<a href=\"x\" title='y'>&</a>\0é"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;\u{FFFD}é"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("plain"), "plain");
    }

    #[test]
    fn plain_lines_hold_no_controls_and_no_layout() {
        assert_eq!(plain_line("  Auth\n\trefactor  ", 100), "Auth refactor");
        assert_eq!(plain_line("a\u{202E}gnp.exe", 100), "agnp.exe");
        assert_eq!(plain_line("zero\u{200B}width\u{FEFF}", 100), "zerowidth");
        assert_eq!(plain_line("x\u{7}y\u{0}z", 100), "x y z");
        assert_eq!(plain_line("", 10), "");
    }

    #[test]
    fn plain_lines_are_cut_with_an_ellipsis() {
        assert_eq!(plain_line("abcdef", 4), "abc…");
        assert_eq!(plain_line("abcd", 4), "abcd");
        assert_eq!(plain_line("ab cd ef", 5), "ab c…");
        assert_eq!(plain_line(&"é".repeat(100_000), 80).chars().count(), 80);
    }

    #[test]
    fn markdown_lines_escape_every_opener() {
        assert_eq!(
            markdown_line("A `x` *b* [c](d) <e>"),
            r"A \`x\` \*b\* \[c\](d) \<e\>"
        );
        assert_eq!(markdown_line("a\n# b\n```"), r"a # b \`\`\`");
    }

    #[test]
    fn markdown_paragraphs_neutralise_block_openers() {
        let text = "# Heading\n```sh\nrm -rf /\n```\n- item\n1. one\n> quote\n    indented\n---\n===\n+ plus\n| a | b |\n<script>x</script>\n~~~";
        let escaped = markdown_paragraphs(text);
        for line in escaped.lines() {
            let first = line.chars().next().unwrap();
            assert!(
                first == '\\' || first.is_alphanumeric(),
                "{line:?} starts with {first:?}"
            );
        }
        assert!(escaped.contains(r"1\. one"));
        assert!(escaped.contains(r"\# Heading"));
        assert!(escaped.contains(r"\`\`\`sh"));
    }

    #[test]
    fn code_spans_outlast_the_backticks_inside() {
        assert_eq!(markdown_code("src/main.rs"), "`src/main.rs`");
        assert_eq!(markdown_code("a``b"), "```a``b```");
        assert_eq!(markdown_code("`x"), "`` `x ``");
        assert_eq!(markdown_code("a\nb"), "`a b`");
    }

    #[test]
    fn markdown_paragraphs_keep_the_author_s_paragraphs() {
        assert_eq!(
            markdown_paragraphs("First line\nsecond line\n\n\n\nNext paragraph"),
            "First line\nsecond line\n\nNext paragraph"
        );
    }
}
