//! JSON pretty-printed with classed spans, by a validating tokenizer that works on the text
//! directly. It keeps its nesting on a heap stack, never the call stack, so 10,000-deep input
//! is fine (serde_json stops at depth 128, and recursive printers overflow), and it keeps the
//! text of strings and numbers exactly as written.

use crate::domain::format::group_thousands;
use crate::domain::untrusted::escape_html_into;

/// Deeper levels are printed at this indentation: beyond it, indenting only costs bytes
/// (a 10,000-deep file would otherwise become hundreds of megabytes of spaces).
pub(crate) const MAX_INDENT_LEVELS: usize = 32;
/// Past this many highlighted tokens the rest is printed without spans, which keeps the HTML
/// of a huge array within a few times the size of its text.
pub(crate) const MAX_SPANS: usize = 200_000;
/// Past this many bytes of HTML per byte of JSON (plus a floor) indentation and highlighting
/// stop for the rest: deep nesting is mostly indentation, and a 2 MiB `[[[…` preview would
/// otherwise become over 100 MiB of HTML.
pub(crate) const MAX_HTML_PER_BYTE: usize = 8;
const HTML_FLOOR: usize = 64 * 1024;

#[derive(Debug)]
pub(crate) struct PrettyJson {
    pub html: String,
    pub notes: Vec<String>,
}

/// Where the JSON stopped making sense.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct JsonError {
    /// Byte offset into the text.
    pub offset: usize,
    pub expected: &'static str,
    /// The text ended while a value was still open (typical of a truncated preview).
    pub at_end: bool,
}

impl JsonError {
    /// "expected `:` at line 3, column 9" or "it ends early: expected `]`".
    pub fn describe(&self, text: &str) -> String {
        if self.at_end {
            return format!("it ends early: expected {}", self.expected);
        }
        let before = text.get(..self.offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        format!("expected {} at line {line}, column {column}", self.expected)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    Object,
    Array,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Value,
    FirstValueOrClose,
    FirstKeyOrClose,
    Key,
    Colon,
    CommaOrClose,
    End,
}

struct Printer {
    html: String,
    spans_left: usize,
    indent_capped: bool,
    /// Once the HTML is this long, the rest is printed one token per line, plain.
    html_budget: usize,
    over_budget: bool,
}

impl Printer {
    fn token(&mut self, class: &str, raw: &str) {
        if self.spans_left > 0 && !self.over_budget {
            self.spans_left -= 1;
            self.html.push_str("<span class=\"");
            self.html.push_str(class);
            self.html.push_str("\">");
            escape_html_into(&mut self.html, raw);
            self.html.push_str("</span>");
        } else {
            escape_html_into(&mut self.html, raw);
        }
    }

    fn newline(&mut self, depth: usize) {
        if depth > MAX_INDENT_LEVELS {
            self.indent_capped = true;
        }
        self.html.push('\n');
        if self.html.len() > self.html_budget {
            self.over_budget = true;
            return;
        }
        for _ in 0..depth.min(MAX_INDENT_LEVELS) {
            self.html.push_str("  ");
        }
    }
}

/// Validates `text` as one JSON value and prints it as `<pre class="output-json">` HTML.
pub(crate) fn pretty_html(text: &str) -> Result<PrettyJson, JsonError> {
    let bytes = text.as_bytes();
    // A byte-order mark is not JSON, but editors write it; skip it rather than refuse the file.
    let mut pos = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect = Expect::Value;
    let mut out = Printer {
        html: String::with_capacity(text.len() * 2 + 64),
        spans_left: MAX_SPANS,
        indent_capped: false,
        html_budget: text.len().saturating_mul(MAX_HTML_PER_BYTE) + HTML_FLOOR,
        over_budget: false,
    };
    out.html.push_str("<pre class=\"output-json\"><code>");

    loop {
        while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\t' | b'\n' | b'\r') {
            pos += 1;
        }
        let Some(&byte) = bytes.get(pos) else {
            if expect == Expect::End {
                break;
            }
            return Err(JsonError {
                offset: pos,
                expected: expected_for(expect, stack.last()),
                at_end: true,
            });
        };
        let fail = move |expected| JsonError {
            offset: pos,
            expected,
            at_end: false,
        };
        match expect {
            Expect::End => return Err(fail("the end of the document")),
            Expect::Colon => {
                if byte != b':' {
                    return Err(fail("`:`"));
                }
                out.html.push_str(": ");
                pos += 1;
                expect = Expect::Value;
            }
            Expect::CommaOrClose => match (byte, stack.last()) {
                (b',', Some(&frame)) => {
                    out.html.push(',');
                    out.newline(stack.len());
                    pos += 1;
                    expect = match frame {
                        Frame::Object => Expect::Key,
                        Frame::Array => Expect::Value,
                    };
                }
                (b'}', Some(Frame::Object)) | (b']', Some(Frame::Array)) => {
                    stack.pop();
                    out.newline(stack.len());
                    close(&mut out, byte);
                    pos += 1;
                    expect = after_value(&stack);
                }
                _ => return Err(fail(expected_for(expect, stack.last()))),
            },
            Expect::FirstKeyOrClose if byte == b'}' => {
                stack.pop();
                close(&mut out, byte);
                pos += 1;
                expect = after_value(&stack);
            }
            Expect::FirstValueOrClose if byte == b']' => {
                stack.pop();
                close(&mut out, byte);
                pos += 1;
                expect = after_value(&stack);
            }
            Expect::FirstKeyOrClose | Expect::Key => {
                if byte != b'"' {
                    return Err(fail(expected_for(expect, stack.last())));
                }
                if expect == Expect::FirstKeyOrClose {
                    out.newline(stack.len());
                }
                let end = scan_string(bytes, pos)?;
                out.token("json-key", &text[pos..end]);
                pos = end;
                expect = Expect::Colon;
            }
            Expect::FirstValueOrClose | Expect::Value => {
                if expect == Expect::FirstValueOrClose {
                    out.newline(stack.len());
                }
                match byte {
                    b'{' | b'[' => {
                        out.token("json-punct", if byte == b'{' { "{" } else { "[" });
                        pos += 1;
                        if byte == b'{' {
                            stack.push(Frame::Object);
                            expect = Expect::FirstKeyOrClose;
                        } else {
                            stack.push(Frame::Array);
                            expect = Expect::FirstValueOrClose;
                        }
                        continue;
                    }
                    b'"' => {
                        let end = scan_string(bytes, pos)?;
                        out.token("json-string", &text[pos..end]);
                        pos = end;
                    }
                    b'-' | b'0'..=b'9' => {
                        let end = scan_number(bytes, pos)?;
                        out.token("json-number", &text[pos..end]);
                        pos = end;
                    }
                    b't' | b'f' | b'n' => {
                        let (word, class) = match byte {
                            b't' => ("true", "json-bool"),
                            b'f' => ("false", "json-bool"),
                            _ => ("null", "json-null"),
                        };
                        let rest = &bytes[pos..];
                        if rest.starts_with(word.as_bytes()) {
                            out.token(class, word);
                            pos += word.len();
                        } else if word.as_bytes().starts_with(rest) {
                            return Err(JsonError {
                                offset: bytes.len(),
                                expected: "the rest of a literal",
                                at_end: true,
                            });
                        } else {
                            return Err(fail("a value"));
                        }
                    }
                    _ => return Err(fail("a value")),
                }
                expect = after_value(&stack);
            }
        }
    }

    out.html.push_str("</code></pre>");
    let mut notes = Vec::new();
    if out.indent_capped {
        notes.push(format!(
            "Nesting deeper than {MAX_INDENT_LEVELS} levels is not indented further."
        ));
    }
    if out.over_budget {
        notes.push(
            "The rest is shown without indentation or colours, to keep the page small.".to_owned(),
        );
    } else if out.spans_left == 0 {
        notes.push(format!(
            "Highlighting stops after {} values; the rest is shown plain.",
            group_thousands(MAX_SPANS as u64)
        ));
    }
    Ok(PrettyJson {
        html: out.html,
        notes,
    })
}

fn close(out: &mut Printer, byte: u8) {
    out.token("json-punct", if byte == b'}' { "}" } else { "]" });
}

fn after_value(stack: &[Frame]) -> Expect {
    if stack.is_empty() {
        Expect::End
    } else {
        Expect::CommaOrClose
    }
}

fn expected_for(expect: Expect, frame: Option<&Frame>) -> &'static str {
    match expect {
        Expect::Value => "a value",
        Expect::FirstValueOrClose => "a value or `]`",
        Expect::FirstKeyOrClose => "a string key or `}`",
        Expect::Key => "a string key",
        Expect::Colon => "`:`",
        Expect::CommaOrClose => match frame {
            Some(Frame::Object) => "`,` or `}`",
            _ => "`,` or `]`",
        },
        Expect::End => "the end of the document",
    }
}

/// The end (exclusive) of the string starting with the quote at `start`.
fn scan_string(bytes: &[u8], start: usize) -> Result<usize, JsonError> {
    let at_end = |expected| JsonError {
        offset: bytes.len(),
        expected,
        at_end: true,
    };
    let mut i = start + 1;
    loop {
        let Some(&byte) = bytes.get(i) else {
            return Err(at_end("a closing `\"`"));
        };
        match byte {
            b'"' => return Ok(i + 1),
            b'\\' => {
                let Some(&escaped) = bytes.get(i + 1) else {
                    return Err(at_end("an escape sequence"));
                };
                match escaped {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                    b'u' => {
                        for k in 0..4 {
                            match bytes.get(i + 2 + k) {
                                None => return Err(at_end("four hex digits after `\\u`")),
                                Some(digit) if digit.is_ascii_hexdigit() => {}
                                Some(_) => {
                                    return Err(JsonError {
                                        offset: i + 2 + k,
                                        expected: "four hex digits after `\\u`",
                                        at_end: false,
                                    })
                                }
                            }
                        }
                        i += 6;
                    }
                    _ => {
                        return Err(JsonError {
                            offset: i + 1,
                            expected: "a valid escape (one of `\"\\/bfnrtu`)",
                            at_end: false,
                        })
                    }
                }
            }
            0x00..=0x1F => {
                return Err(JsonError {
                    offset: i,
                    expected: "`\\n`-style escapes instead of control characters in a string",
                    at_end: false,
                })
            }
            _ => i += 1,
        }
    }
}

/// The end (exclusive) of the number starting at `start`: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn scan_number(bytes: &[u8], start: usize) -> Result<usize, JsonError> {
    let mut i = start;
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    let digits = |from: usize| {
        bytes[from.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let need_digit = |i: usize| {
        if i >= bytes.len() {
            JsonError {
                offset: i,
                expected: "a digit",
                at_end: true,
            }
        } else {
            JsonError {
                offset: i,
                expected: "a digit",
                at_end: false,
            }
        }
    };
    match bytes.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i += digits(i),
        _ => return Err(need_digit(i)),
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        let n = digits(i);
        if n == 0 {
            return Err(need_digit(i));
        }
        i += n;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let n = digits(i);
        if n == 0 {
            return Err(need_digit(i));
        }
        i += n;
    }
    Ok(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(text: &str) -> String {
        pretty_html(text).unwrap().html
    }

    fn body(text: &str) -> String {
        let html = html(text);
        html.strip_prefix("<pre class=\"output-json\"><code>")
            .and_then(|rest| rest.strip_suffix("</code></pre>"))
            .unwrap()
            .to_owned()
    }

    /// The printed text without its markup, for checking the layout.
    fn layout(text: &str) -> String {
        let body = body(text);
        let mut out = String::new();
        let mut in_tag = false;
        for c in body.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    #[test]
    fn pretty_prints_with_two_space_indentation() {
        let printed = layout(r#"{"a":[1,2,{"b":null}],"c":{},"d":[],"e":"x"}"#);
        assert_eq!(
            printed,
            "{\n  \"a\": [\n    1,\n    2,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": {},\n  \"d\": [],\n  \"e\": \"x\"\n}"
        );
    }

    #[test]
    fn tokens_get_their_classes() {
        insta::assert_snapshot!(html(
            r#"{"k": "v", "n": -1.5e3, "t": true, "f": false, "z": null, "a": [1, {}], "o": {"p": []}}"#
        ));
    }

    #[test]
    fn strings_keep_their_escapes_and_html_is_escaped() {
        let html = html(r#"["<script>alert(1)</script>", "\u003cb\u003e", "a\"b\\n"]"#);
        assert!(!html.contains("<script"), "{html}");
        insta::assert_snapshot!(html);
    }

    #[test]
    fn scalars_and_whitespace_at_the_top_level() {
        assert_eq!(layout(" 42 "), "42");
        assert_eq!(layout("\"s\""), "\"s\"");
        assert_eq!(layout("\u{FEFF}[true]"), "[\n  true\n]");
        assert_eq!(layout("[\r\n\t]"), "[]");
        assert_eq!(layout(r#"{"é": "ü€😀"}"#), "{\n  \"é\": \"ü€😀\"\n}");
    }

    #[test]
    fn agrees_with_serde_json_on_validity() {
        let cases = [
            "",
            " ",
            "{",
            "}",
            "[",
            "]",
            "[1,]",
            "[,1]",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{a:1}",
            "{\"a\" 1}",
            "[1 2]",
            "01",
            "-",
            "-0",
            "1.",
            ".5",
            "1e",
            "1e+",
            "1E-7",
            "0.0e0",
            "tru",
            "true false",
            "nul",
            "nulll",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\u12G4\"",
            "\"\\u00e9\"",
            "\"a\nb\"",
            "\"tab\there\"",
            "[[[]]]",
            "[{}]",
            "{\"a\":[{}]}",
            "\"\\/\"",
            "[-]",
            "[1]x",
            "NaN",
            "Infinity",
            "'a'",
            "[\"a\",]",
            "{\"a\":1}}",
            "[]]",
            "{\"a\":1 \"b\":2}",
            "\u{FEFF}1",
        ];
        for case in cases {
            let ours = pretty_html(case).is_ok();
            let theirs =
                serde_json::from_str::<serde_json::Value>(case.trim_start_matches('\u{FEFF}'))
                    .is_ok();
            assert_eq!(ours, theirs, "{case:?}");
        }
    }

    #[test]
    fn errors_say_where_and_what() {
        let text = "{\n  \"a\": 1\n  \"b\": 2\n}";
        let err = pretty_html(text).unwrap_err();
        assert_eq!(
            err.describe(text),
            "expected `,` or `}` at line 3, column 3"
        );
        let err = pretty_html("[1, 2").unwrap_err();
        assert!(err.at_end);
        assert_eq!(err.describe("[1, 2"), "it ends early: expected `,` or `]`");
        let err = pretty_html("{\"a\": \"unterminated").unwrap_err();
        assert!(err.at_end);
        let err = pretty_html("[1] 2").unwrap_err();
        assert_eq!(
            err.describe("[1] 2"),
            "expected the end of the document at line 1, column 5"
        );
        let err = pretty_html("[tr").unwrap_err();
        assert!(err.at_end);
        let err = pretty_html("[\"é\" x]").unwrap_err();
        assert_eq!(
            err.describe("[\"é\" x]"),
            "expected `,` or `]` at line 1, column 6"
        );
    }

    #[test]
    fn ten_thousand_levels_deep_do_not_overflow_and_stay_small() {
        let depth = 10_000;
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let pretty = pretty_html(&text).unwrap();
        assert_eq!(
            pretty.notes,
            [
                "Nesting deeper than 32 levels is not indented further.",
                "The rest is shown without indentation or colours, to keep the page small."
            ]
        );

        // Bigger, and the HTML budget ends indentation and colours for the rest.
        let deep = format!("{}{}", "[".repeat(1 << 20), "]".repeat(1 << 20));
        let pretty = pretty_html(&deep).unwrap();
        assert!(pretty
            .notes
            .iter()
            .any(|n| n.contains("without indentation")));
        // The budget's share, then two bytes (the bracket and a newline) per bracket.
        let limit = deep.len() * (MAX_HTML_PER_BYTE + 2) + HTML_FLOOR;
        assert!(
            pretty.html.len() < limit,
            "{} >= {limit}",
            pretty.html.len()
        );
        assert!(pretty.html.ends_with("]\n]\n]</code></pre>"));

        let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        assert!(pretty_html(&objects).is_ok());
        // Unbalanced deep input is a clean error, not a crash.
        let unbalanced = "[".repeat(100_000);
        assert!(pretty_html(&unbalanced).unwrap_err().at_end);
    }

    #[test]
    fn huge_arrays_stop_highlighting_but_print_everything() {
        let text = format!("[{}0]", "\"abcdefgh\",".repeat(MAX_SPANS + 10));
        let pretty = pretty_html(&text).unwrap();
        assert_eq!(
            pretty.notes,
            ["Highlighting stops after 200,000 values; the rest is shown plain."]
        );
        assert_eq!(pretty.html.matches("<span").count(), MAX_SPANS);
        assert!(pretty
            .html
            .ends_with("\n  &quot;abcdefgh&quot;,\n  0\n]</code></pre>"));
    }
}
