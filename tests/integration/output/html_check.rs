//! An independent re-parse of rendered HTML: a tokenizer after the HTML standard's tag and
//! attribute states (enough for what a browser would build from our output), then checks on
//! every element and attribute. Substring searches alone could be fooled by entities, case or
//! whitespace; this decodes attribute values the way a browser does before judging them.

/// Elements the output viewer's HTML may contain.
const TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
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

const ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "alt",
    "title",
    "class",
    "id",
    "type",
    "checked",
    "disabled",
    "align",
    "start",
    "rel",
    "aria-label",
    "data-footnote-ref",
    "data-footnote-backref",
    "data-footnote-backref-idx",
    "data-footnotes",
];

const SCHEMES: &[&str] = &["http", "https", "mailto"];

#[derive(Debug)]
pub struct Tag {
    pub name: String,
    pub attributes: Vec<(String, String)>,
}

/// Start tags with decoded attribute values; comments and declarations as tags named `!`.
pub fn start_tags(html: &str) -> Vec<Tag> {
    let chars: Vec<char> = html.chars().collect();
    let mut tags = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '<' {
            i += 1;
            continue;
        }
        match chars.get(i + 1) {
            Some('!') | Some('?') => {
                tags.push(Tag {
                    name: "!".into(),
                    attributes: Vec::new(),
                });
                i = skip_past(&chars, i, '>');
            }
            Some('/') => i = skip_past(&chars, i, '>'),
            Some(c) if c.is_ascii_alphabetic() => {
                let (tag, next) = read_tag(&chars, i + 1);
                tags.push(tag);
                i = next;
            }
            _ => i += 1,
        }
    }
    tags
}

fn skip_past(chars: &[char], from: usize, end: char) -> usize {
    chars[from..]
        .iter()
        .position(|&c| c == end)
        .map_or(chars.len(), |p| from + p + 1)
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

fn read_tag(chars: &[char], mut i: usize) -> (Tag, usize) {
    let mut name = String::new();
    while i < chars.len() && !is_space(chars[i]) && chars[i] != '/' && chars[i] != '>' {
        name.push(chars[i].to_ascii_lowercase());
        i += 1;
    }
    let mut attributes = Vec::new();
    loop {
        while i < chars.len() && (is_space(chars[i]) || chars[i] == '/') {
            i += 1;
        }
        if i >= chars.len() || chars[i] == '>' {
            return (Tag { name, attributes }, i + 1);
        }
        let mut attribute = String::new();
        // The first character may be '=' (the standard allows it in a name).
        attribute.push(chars[i].to_ascii_lowercase());
        i += 1;
        while i < chars.len() && !is_space(chars[i]) && !matches!(chars[i], '/' | '>' | '=') {
            attribute.push(chars[i].to_ascii_lowercase());
            i += 1;
        }
        while i < chars.len() && is_space(chars[i]) {
            i += 1;
        }
        let mut value = String::new();
        if chars.get(i) == Some(&'=') {
            i += 1;
            while i < chars.len() && is_space(chars[i]) {
                i += 1;
            }
            match chars.get(i) {
                Some(&quote) if quote == '"' || quote == '\'' => {
                    i += 1;
                    while i < chars.len() && chars[i] != quote {
                        value.push(chars[i]);
                        i += 1;
                    }
                    i += 1;
                }
                _ => {
                    while i < chars.len() && !is_space(chars[i]) && chars[i] != '>' {
                        value.push(chars[i]);
                        i += 1;
                    }
                }
            }
        }
        attributes.push((attribute, decode_entities(&value)));
    }
}

/// Character references as a browser decodes them in an attribute: numeric ones with or
/// without `;`, and the named ones that matter for schemes (`&colon;`, `&Tab;`, ...).
pub fn decode_entities(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        let (decoded, used) = if let Some(hex) = rest.strip_prefix("#x").or(rest.strip_prefix("#X"))
        {
            let digits = hex.chars().take_while(char::is_ascii_hexdigit).count();
            let c = u32::from_str_radix(&hex[..digits], 16)
                .ok()
                .and_then(char::from_u32);
            (c, 2 + digits)
        } else if let Some(decimal) = rest.strip_prefix('#') {
            let digits = decimal.chars().take_while(char::is_ascii_digit).count();
            (
                decimal[..digits].parse().ok().and_then(char::from_u32),
                1 + digits,
            )
        } else {
            let name_len = rest.chars().take_while(char::is_ascii_alphanumeric).count();
            let c = match &rest[..name_len] {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                "nbsp" => Some('\u{a0}'),
                "sol" => Some('/'),
                _ => None,
            };
            (c, name_len)
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[used..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// The scheme a browser would see: control characters and whitespace removed (browsers
/// strip tabs and newlines inside URLs and leading spaces/controls), lower-cased.
pub fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let colon = cleaned.find(':')?;
    let candidate = &cleaned[..colon];
    let first_delimiter = cleaned.find(['/', '?', '#']).unwrap_or(usize::MAX);
    let is_scheme = colon < first_delimiter
        && candidate
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && candidate
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then(|| candidate.to_owned())
}

/// Every way `html` could run script or load something it should not; empty when safe.
pub fn problems(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let lower = html.to_ascii_lowercase();
    if lower.contains("<script") {
        problems.push("a literal <script".into());
    }
    for tag in start_tags(html) {
        if !TAGS.contains(&tag.name.as_str()) {
            problems.push(format!("element <{}>", tag.name));
        }
        for (name, value) in &tag.attributes {
            if name.starts_with("on") {
                problems.push(format!("event handler {name}= on <{}>", tag.name));
            }
            if !ATTRIBUTES.contains(&name.as_str()) {
                problems.push(format!("attribute {name} on <{}>", tag.name));
            }
            if matches!(
                name.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href"
            ) {
                if let Some(scheme) = scheme(value) {
                    if !SCHEMES.contains(&scheme.as_str()) {
                        problems.push(format!("{scheme}: URL in {name} on <{}>", tag.name));
                    }
                }
            }
            if tag.name == "input" && name == "type" && value != "checkbox" {
                problems.push(format!("input of type {value}"));
            }
        }
    }
    problems
}

#[test]
fn the_checker_catches_what_it_must() {
    let bad = [
        "<script>alert(1)</script>",
        "<SCRIPT>alert(1)</SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=x\nONERROR = 'alert(1)'>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=' JaVaScRiPt:alert(1)'>x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\"&#106avascript:alert(1)\">x</a>",
        "<a href=\"&#x0006A;avascript:alert(1)\">x</a>",
        "<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>",
        "<a href=\"java&Tab;script:alert(1)\">x</a>",
        "<a href=\"java\tscript:alert(1)\">x</a>",
        "<a href=vbscript:x>x</a>",
        "<img src=\"data:text/html,x\">",
        "<iframe src=x></iframe>",
        "<svg><g/onload=alert(1)>",
        "<p style=\"x\">y</p>",
        "<!-- c -->",
        "<input type=text>",
        "<math><mi xlink:href=\"javascript:x\">",
    ];
    for html in bad {
        assert!(!problems(html).is_empty(), "missed {html}");
    }
    let good = [
        "<p>text with javascript:alert(1) and onerror=alert(1) as words</p>",
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
        "<a href=\"https://example.com/a:b\" rel=\"noopener noreferrer\">x</a>",
        "<a href=\"#fn-1\" id=\"fnref-1\">1</a>",
        "<a href=\"%6A%61va:x\">relative</a>",
        "<a href=\"other.md\">relative</a>",
        "<input type=\"checkbox\" disabled=\"\">",
    ];
    for html in good {
        assert_eq!(problems(html), Vec::<String>::new(), "{html}");
    }
}
