//! The second layer under comrak's safe mode: an ammonia allowlist of exactly what our
//! Markdown renderer emits. Anything else (raw tags, event handlers, `style`, foreign URL
//! schemes, classes that could restyle the hub itself) is dropped.

use ammonia::{Builder, UrlRelative};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

const TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "span",
    "strong",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Their content goes too, not just the tags.
const CLEAN_CONTENT_TAGS: &[&str] = &[
    "script", "style", "template", "noscript", "iframe", "object", "embed", "textarea", "xmp",
    "noembed", "noframes", "title",
];

const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    (
        "a",
        &[
            "href",
            "title",
            "id",
            "class",
            "aria-label",
            "data-footnote-ref",
            "data-footnote-backref",
            "data-footnote-backref-idx",
        ],
    ),
    ("img", &["src", "alt", "title"]),
    ("input", &["type", "checked", "disabled", "class"]),
    ("li", &["id", "class"]),
    ("ul", &["class"]),
    ("ol", &["start", "class"]),
    ("section", &["class", "data-footnotes"]),
    ("sup", &["class"]),
    ("span", &["class"]),
    ("pre", &["class"]),
    ("code", &["class"]),
    ("th", &["align"]),
    ("td", &["align"]),
];

/// Classes comrak writes for footnotes and task lists; syntect's are prefixed `hl-`.
const CLASSES: &[&str] = &[
    "footnotes",
    "footnote-ref",
    "footnote-backref",
    "contains-task-list",
    "task-list-item",
    "task-list-item-checkbox",
    "syntax-highlighting",
];

pub(crate) const HIGHLIGHT_CLASS_PREFIX: &str = "hl-";

fn sanitizer() -> &'static Builder<'static> {
    static SANITIZER: OnceLock<Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = Builder::empty();
        let tag_attributes: HashMap<&str, HashSet<&str>> = TAG_ATTRIBUTES
            .iter()
            .map(|(tag, attributes)| (*tag, attributes.iter().copied().collect()))
            .collect();
        builder
            .tags(TAGS.iter().copied().collect())
            .clean_content_tags(CLEAN_CONTENT_TAGS.iter().copied().collect())
            .generic_attributes(HashSet::new())
            .tag_attributes(tag_attributes)
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            // Relative links and `#fn-1` fragments cannot carry a scheme, so they may stay.
            .url_relative(UrlRelative::PassThrough)
            .link_rel(Some("noopener noreferrer"))
            .strip_comments(true)
            .attribute_filter(filter_attribute)
            // A task-list checkbox needs a name of its own (WCAG: form elements have labels);
            // its state (checked or not) is announced with it.
            .set_tag_attribute_value("input", "aria-label", "Task")
            // Whatever an input started as, it cannot be typed into or focused.
            .set_tag_attribute_value("input", "disabled", "");
        builder
    })
}

fn filter_attribute<'a>(element: &str, attribute: &str, value: &'a str) -> Option<Cow<'a, str>> {
    match (element, attribute) {
        ("input", "type") => (value == "checkbox").then_some(Cow::Borrowed(value)),
        (_, "class") => {
            let kept: Vec<&str> = value
                .split_ascii_whitespace()
                .filter(|class| allowed_class(class))
                .collect();
            if kept.is_empty() {
                None
            } else {
                Some(Cow::Owned(kept.join(" ")))
            }
        }
        // Only footnote anchors carry ids; others could clobber names the page relies on.
        (_, "id") => (value.starts_with("fn-") || value.starts_with("fnref-"))
            .then_some(Cow::Borrowed(value)),
        (_, "align") => {
            matches!(value, "left" | "center" | "right").then_some(Cow::Borrowed(value))
        }
        (_, "start") => value
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then_some(Cow::Borrowed(value)),
        _ => Some(Cow::Borrowed(value)),
    }
}

fn allowed_class(class: &str) -> bool {
    let well_formed = |rest: &str| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'+')
    };
    CLASSES.contains(&class)
        || class
            .strip_prefix(HIGHLIGHT_CLASS_PREFIX)
            .is_some_and(well_formed)
        || class.strip_prefix("language-").is_some_and(well_formed)
}

/// `html` with everything outside the allowlist removed.
pub(crate) fn sanitize(html: &str) -> String {
    sanitizer().clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_markdown_needs() {
        let html = concat!(
            "<ul class=\"contains-task-list\"><li class=\"task-list-item\">",
            "<input type=\"checkbox\" class=\"task-list-item-checkbox\" disabled=\"\" checked=\"\"> done</li></ul>",
            "<table><thead><tr><th align=\"center\">h</th></tr></thead><tbody><tr><td align=\"right\">d</td></tr></tbody></table>",
            "<p><del>x</del> <a href=\"https://example.com\">l</a><sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\" data-footnote-ref=\"\">1</a></sup></p>",
            "<pre class=\"syntax-highlighting\"><code class=\"language-rust\"><span class=\"hl-source hl-rust\">fn</span></code></pre>",
        );
        let clean = sanitize(html);
        for kept in [
            "<input type=\"checkbox\" class=\"task-list-item-checkbox\" disabled=\"\" checked=\"\" aria-label=\"Task\">",
            "<th align=\"center\">",
            "<del>x</del>",
            "<a href=\"https://example.com\" rel=\"noopener noreferrer\">l</a>",
            "id=\"fnref-1\"",
            "<span class=\"hl-source hl-rust\">fn</span>",
            "<code class=\"language-rust\">",
        ] {
            assert!(clean.contains(kept), "{kept} missing from {clean}");
        }
    }

    #[test]
    fn drops_what_could_run_or_restyle() {
        let cases = [
            ("<script>alert(1)</script>ok", "ok"),
            ("<img src=\"x\" onerror=\"alert(1)\">", "<img src=\"x\">"),
            (
                "<a href=\"javascript:alert(1)\">x</a>",
                "<a rel=\"noopener noreferrer\">x</a>",
            ),
            (
                "<a href=\"data:text/html,x\">x</a>",
                "<a rel=\"noopener noreferrer\">x</a>",
            ),
            (
                "<span class=\"modal hub-header hl-ok\" style=\"color:red\">x</span>",
                "<span class=\"hl-ok\">x</span>",
            ),
            ("<span class=\"modal\">x</span>", "<span>x</span>"),
            ("<p id=\"app\">x</p>", "<p>x</p>"),
            ("<li id=\"main\">x</li>", "<li>x</li>"),
            ("<iframe src=\"https://x\">inner</iframe>y", "y"),
            ("<svg><script>alert(1)</script></svg>", ""),
            ("<!-- c -->x", "x"),
            ("<td align=\"expression(x)\">c</td>", "c"),
        ];
        for (dirty, clean) in cases {
            assert_eq!(sanitize(dirty), clean, "{dirty}");
        }
        // Any input ends up disabled and named (the order of added attributes varies).
        let input = sanitize("<input type=\"text\" value=\"x\">");
        assert!(
            input.starts_with("<input ") && !input.contains("type") && !input.contains("value"),
            "{input}"
        );
        assert!(
            input.contains("disabled=\"\"") && input.contains("aria-label=\"Task\""),
            "{input}"
        );
    }
}
