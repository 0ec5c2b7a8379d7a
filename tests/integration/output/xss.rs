//! XSS vectors in agent output. Rendered HTML is re-parsed (see
//! `html_check`) and must hold no script element, no event handler and no URL with a scheme
//! other than http, https or mailto; JSON and text output must hold no markup of their own.

use super::html_check::{problems, start_tags};
use sessions_hub::domain::output::OutputKind;
use sessions_hub::render::render;

/// Dangerous URLs in many spellings; each goes into every link context below.
const URLS: &[&str] = &[
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "javascript:alert(document.cookie)//",
    "javascript&#58;alert(1)",
    "javascript&#x3A;alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)",
    "java&#x09;script:alert(1)",
    "java&Tab;script:alert(1)",
    "javascript&colon;alert(1)",
    "javascript://%0aalert(1)",
    "vbscript:msgbox(1)",
    "VBSCRIPT:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,x",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "%6A%61%76%61%73%63%72%69%70%74:alert(1)",
];

fn link_vectors() -> Vec<String> {
    let mut vectors = Vec::new();
    for url in URLS {
        vectors.push(format!("[click]({url})"));
        vectors.push(format!("![img]({url})"));
        vectors.push(format!("[click][ref]\n\n[ref]: {url}"));
        vectors.push(format!("<{url}>"));
        vectors.push(format!("[click](<{url}>)"));
        vectors.push(format!("[click]({url} \"title\")"));
    }
    vectors
}

const RAW_VECTORS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script\n>alert(1)</script\n>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<img src=\"x` `<script>alert(1)</script>\"` `>",
    "<img \"\"\"><script>alert(1)</script>\">",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">XSS</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><set attributeName=\"href\" to=\"javascript:alert(1)\"/></svg>",
    "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<math href=\"javascript:alert(1)\">CLICKME</math>",
    "<math><annotation-xml encoding=\"text/html\"><img src=x onerror=alert(1)></annotation-xml></math>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<style>@import 'javascript:alert(1)';</style>",
    "<style>body{background:url(\"javascript:alert(1)\")}</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=# onclick=\"alert(1)\">x</a>",
    "<a\nhref=javascript:alert(1)>x</a>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<p style=\"x:expression(alert(1))\">x</p>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<xmp><script>alert(1)</script></xmp>",
    "<textarea><script>alert(1)</script></textarea>",
    "<template><script>alert(1)</script></template>",
    "<select><style></select><img src=x onerror=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<table background=\"javascript:alert(1)\">",
    "<isindex action=javascript:alert(1) type=submit>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
    "<div>\n<script>alert(1)</script>\n</div>",
    "<div>\n\n*md inside* <img src=x onerror=alert(1)>\n\n</div>",
    "hello <b onmouseover=alert(1)>bold</b> world",
    "<plaintext><script>alert(1)</script>",
    "<keygen autofocus onfocus=alert(1)>",
    "<object><param name=src value=javascript:alert(1)></object>",
    // Markdown-specific.
    "[x]( javascript:alert(1) )",
    "[a](javascript:alert&#40;1&#41;)",
    "![x](x\"onerror=\"alert(1))",
    "[x](https://example.com\"onclick=\"alert(1))",
    "[x](https://example.com 'a\" onmouseover=\"alert(1)')",
    "<javascript:alert(1)>",
    "<vbscript:alert(1)>",
    "www.example.com/\"onclick=alert(1)//",
    "https://example.com/<script>alert(1)</script>",
    "https://example.com/\"><script>alert(1)</script>",
    "```javascript onload=\"x\"\nalert(1)\n```",
    "```\"><script>alert(1)</script>\ncode\n```",
    "``` onerror=alert(1) \ncode\n```",
    "| <script>alert(1)</script> | x |\n|---|---|\n| y | <img src=x onerror=alert(1)> |",
    "- [ ] <img src=x onerror=alert(1)>\n- [x] [y](javascript:alert(1))",
    "Claim[^1]\n\n[^1]: <script>alert(1)</script> [z](javascript:alert(1))",
    "[^<script>]: x\n\nref[^<script>]",
    "# <script>alert(1)</script>",
    "`<script>alert(1)</script>`",
    "**<svg onload=alert(1)>**",
    "~~<iframe src=javascript:alert(1)>~~",
    "> <img src=x onerror=alert(1)>",
    "    <script>alert(1)</script>",
    "[<img src=x onerror=alert(1)>](https://example.com)",
    "[link](https://example.com) <a href=\"javascript:alert(1)\">raw</a>",
    "![alt\" onerror=\"alert(1)](https://example.com/x.png)",
    "[x](mailto:a@example.com?subject=<script>alert(1)</script>)",
    "[x](http://example.com/\" onmouseover=\"alert(1))",
    "\\<script>alert(1)\\</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
];

fn all_vectors() -> Vec<String> {
    let mut vectors = link_vectors();
    vectors.extend(RAW_VECTORS.iter().map(|v| v.to_string()));
    vectors
}

#[test]
fn markdown_xss_vectors_render_harmless() {
    let vectors = all_vectors();
    assert!(vectors.len() >= 100, "only {} vectors", vectors.len());
    eprintln!("xss: {} Markdown vectors", vectors.len());
    let mut failures = Vec::new();
    for vector in &vectors {
        for truncated in [false, true] {
            let rendered = render(OutputKind::Markdown, vector.as_bytes(), truncated);
            let found = problems(&rendered.html);
            if !found.is_empty() {
                failures.push(format!("{vector:?} -> {found:?}\n  {}", rendered.html));
            }
        }
    }
    // All at once too: one vector's leftovers must not combine with the next one's.
    let together = vectors.join("\n\n");
    let rendered = render(OutputKind::Markdown, together.as_bytes(), false);
    let found = problems(&rendered.html);
    if !found.is_empty() {
        failures.push(format!("all together -> {found:?}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn safe_links_survive_sanitising() {
    let rendered = render(
        OutputKind::Markdown,
        b"[a](https://example.com/a) [b](http://example.com) [c](mailto:x@example.com) [d](other.md#part)",
        false,
    );
    let hrefs: Vec<String> = start_tags(&rendered.html)
        .into_iter()
        .filter(|tag| tag.name == "a")
        .flat_map(|tag| tag.attributes)
        .filter(|(name, _)| name == "href")
        .map(|(_, value)| value)
        .collect();
    assert_eq!(
        hrefs,
        [
            "https://example.com/a",
            "http://example.com",
            "mailto:x@example.com",
            "other.md#part"
        ]
    );
    assert!(rendered.html.contains("rel=\"noopener noreferrer\""));
}

#[test]
fn json_and_text_escape_html_payloads() {
    let vectors = all_vectors();
    let mut failures = Vec::new();
    for vector in &vectors {
        let as_json_string =
            serde_json::to_string(&serde_json::json!({ vector.clone(): [vector] })).unwrap();
        let inputs = [
            (OutputKind::Text, vector.clone()),
            (OutputKind::Json, vector.clone()),
            (OutputKind::Json, as_json_string),
        ];
        for (kind, input) in inputs {
            let rendered = render(kind, input.as_bytes(), false);
            let mut found = problems(&rendered.html);
            for tag in start_tags(&rendered.html) {
                if !matches!(tag.name.as_str(), "pre" | "code" | "span") {
                    found.push(format!("element <{}> in {kind:?}", tag.name));
                }
                if tag.attributes.iter().any(|(name, _)| name != "class") {
                    found.push(format!("attribute {:?} in {kind:?}", tag.attributes));
                }
            }
            if !found.is_empty() {
                failures.push(format!("{kind:?} {input:?} -> {found:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
