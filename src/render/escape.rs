//! HTML escaping for text that goes between tags or inside quoted attribute values.

/// `text` with `& < > " '` escaped and NUL replaced (browsers would replace it anyway).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    escape_html_into(&mut out, text);
    out
}

pub(crate) fn escape_html_into(out: &mut String, text: &str) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_nul() {
        assert_eq!(
            escape_html("<a href=\"x\" title='y'>&</a>\0é"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;\u{FFFD}é"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("plain"), "plain");
    }
}
