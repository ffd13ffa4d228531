//! The flow file: a tiny script of HTTP steps that every connection runs in
//! a loop. The format is described in bench/README.md; the parser rejects
//! anything it does not understand, with the line number, because a silently
//! skipped step would make a benchmark measure something else than intended.

use anyhow::{Result, bail};
use hyper::http::uri::PathAndQuery;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// One piece of a path or body template.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    /// The connection's last captured `_csrf` value, form-encoded.
    Csrf,
    /// A number unique to the connection and iteration.
    N,
}

/// A path or body with `{csrf}` and `{n}` placeholders, split once at parse
/// time so that rendering per request is a plain concatenation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_owned()));
            }
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| format!("unclosed `{{` in `{text}`"))?;
            parts.push(match &after[..close] {
                "csrf" => Part::Csrf,
                "n" => Part::N,
                other => {
                    return Err(format!(
                        "unknown placeholder `{{{other}}}` (supported: {{csrf}}, {{n}})"
                    ));
                }
            });
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_owned()));
        }
        Ok(Template { parts })
    }

    pub fn uses_csrf(&self) -> bool {
        self.parts.contains(&Part::Csrf)
    }

    /// `csrf` must already be encoded for where it goes (see csrf::form_encode).
    pub fn render(&self, csrf: &str, n: u64) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Csrf => out.push_str(csrf),
                Part::N => out.push_str(&n.to_string()),
            }
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// 1-based line in the flow file, for reports and errors.
    pub line: usize,
    pub method: Method,
    pub path: Template,
    /// Only POST steps have one; sent as application/x-www-form-urlencoded.
    pub body: Option<Template>,
    /// The status that counts as success; `None` means "anything but 5xx".
    pub expect: Option<u16>,
    /// `METHOD /path` as written, for the per-step report.
    pub label: String,
}

impl Step {
    pub fn uses_csrf(&self) -> bool {
        self.path.uses_csrf() || self.body.as_ref().is_some_and(Template::uses_csrf)
    }

    /// A one-step flow for the `get` mode, so both modes share one runner.
    pub fn get(path: &str) -> Result<Step> {
        if path.parse::<PathAndQuery>().is_err() {
            bail!("`{path}` is not a valid request path");
        }
        Ok(Step {
            line: 0,
            method: Method::Get,
            path: Template {
                parts: vec![Part::Literal(path.to_owned())],
            },
            body: None,
            expect: None,
            label: format!("GET {path}"),
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flow {
    /// Run once per connection, before the loop (e.g. signing in).
    pub once: Vec<Step>,
    /// Run over and over until the run ends.
    pub looped: Vec<Step>,
}

impl Flow {
    /// All steps in report order: the `once` block, then the loop.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.once.iter().chain(&self.looped)
    }

    pub fn uses_csrf(&self) -> bool {
        self.steps().any(Step::uses_csrf)
    }
}

pub fn parse(text: &str) -> Result<Flow> {
    let mut flow = Flow::default();
    let mut seen_once = false;
    let mut in_once = false;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match trimmed {
            "once" => {
                if seen_once || !flow.looped.is_empty() {
                    bail!("line {line}: `once` may appear only once, before any step");
                }
                seen_once = true;
                in_once = true;
            }
            "loop" => {
                if !in_once {
                    bail!("line {line}: `loop` must close a `once` block");
                }
                in_once = false;
            }
            _ => {
                let step = parse_step(trimmed).map_err(|e| anyhow::anyhow!("line {line}: {e}"))?;
                let step = Step { line, ..step };
                if in_once {
                    flow.once.push(step);
                } else {
                    flow.looped.push(step);
                }
            }
        }
    }
    if flow.looped.is_empty() {
        if in_once {
            bail!(
                "the `once` block is never closed: add a `loop` line followed by the steps to repeat"
            );
        }
        bail!("the flow has no steps to loop");
    }
    Ok(flow)
}

fn parse_step(line: &str) -> Result<Step, String> {
    let mut words: Vec<&str> = line.split_whitespace().collect();
    let expect = match words.as_slice() {
        [.., "expect", status] => {
            let status = status
                .parse::<u16>()
                .ok()
                .filter(|s| (100..=599).contains(s))
                .ok_or_else(|| format!("`expect {status}`: the status must be 100 to 599"))?;
            words.truncate(words.len() - 2);
            Some(status)
        }
        [.., "expect"] => return Err("`expect` needs a status code, e.g. `expect 200`".into()),
        _ => None,
    };
    let (method, path, body) = match words.as_slice() {
        [method @ ("GET" | "POST")] => return Err(format!("`{method}` needs a path")),
        ["GET", path] => (Method::Get, *path, None),
        ["GET", _, _, ..] => return Err("a GET step takes only a path (and `expect`)".into()),
        ["POST", path] => (Method::Post, *path, None),
        ["POST", path, body] => (Method::Post, *path, Some(*body)),
        ["POST", ..] => {
            return Err("a POST step is `POST /path field=value&field2=value2`; \
                 the body cannot contain spaces (write them as +)"
                .into());
        }
        [method, ..] => {
            return Err(format!(
                "unknown step `{method}`: expected GET, POST, once or loop \
                 (methods are upper case, keywords lower case)"
            ));
        }
        [] => return Err("`expect` needs a step before it".into()),
    };
    if !path.starts_with('/') {
        return Err(format!("the path `{path}` must start with /"));
    }
    let path_template = Template::parse(path)?;
    // Catch a path hyper would refuse now, not as thousands of runtime errors.
    if path_template
        .render("x", 1)
        .parse::<PathAndQuery>()
        .is_err()
    {
        return Err(format!("`{path}` is not a valid request path"));
    }
    Ok(Step {
        line: 0,
        method,
        path: path_template,
        body: body.map(Template::parse).transpose()?,
        expect,
        label: format!("{} {path}", method.as_str()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BROWSE: &str = "\
# sign in once, then browse
once
GET /
GET /signin
POST /signin _csrf={csrf}&email=pembeli@etalase.test&password=etalase-demo expect 303
loop
GET / expect 200

  GET /account expect 200
";

    #[test]
    fn parses_once_and_loop_blocks() {
        let flow = parse(BROWSE).expect("valid flow");
        assert_eq!(flow.once.len(), 3);
        assert_eq!(flow.looped.len(), 2);
        let post = &flow.once[2];
        assert_eq!(post.method, Method::Post);
        assert_eq!(post.line, 5);
        assert_eq!(post.expect, Some(303));
        assert_eq!(post.label, "POST /signin");
        assert!(post.uses_csrf());
        assert_eq!(
            post.body.as_ref().expect("body").render("tok", 7),
            "_csrf=tok&email=pembeli@etalase.test&password=etalase-demo"
        );
        assert_eq!(flow.looped[1].line, 9);
        assert_eq!(flow.looped[1].label, "GET /account");
        assert_eq!(flow.looped[1].expect, Some(200));
        assert_eq!(flow.once[0].expect, None);
        assert!(flow.uses_csrf());
        assert_eq!(flow.steps().count(), 5);
    }

    #[test]
    fn steps_without_once_all_loop() {
        let flow = parse("GET /a\nPOST /b\nPOST /c x=1 expect 201\n").expect("valid");
        assert!(flow.once.is_empty());
        assert_eq!(flow.looped.len(), 3);
        assert_eq!(flow.looped[1].body, None);
        assert!(!flow.uses_csrf());
    }

    #[test]
    fn renders_the_iteration_number_in_paths_and_bodies() {
        let flow = parse("POST /signup/{n} email=u{n}%40x.test&_csrf={csrf}").expect("valid");
        let step = &flow.looped[0];
        assert_eq!(step.path.render("", 42), "/signup/42");
        assert_eq!(
            step.body.as_ref().expect("body").render("a%2Bb", 42),
            "email=u42%40x.test&_csrf=a%2Bb"
        );
    }

    #[test]
    fn rejects_malformed_steps_with_the_line_number() {
        let cases = [
            ("GET", "needs a path"),
            ("get /", "unknown step"),
            ("PUT /x", "unknown step"),
            ("GET x", "must start with /"),
            ("GET /a b", "only a path"),
            ("POST /a b c", "cannot contain spaces"),
            ("GET / expect", "needs a status"),
            ("GET / expect ok", "100 to 599"),
            ("GET / expect 700", "100 to 599"),
            ("expect 200", "needs a step"),
            ("GET /{id}", "unknown placeholder"),
            ("POST /a x={csrf", "unclosed"),
            ("GET /a\u{7f}b", "not a valid request path"),
        ];
        for (line, wanted) in cases {
            let error = parse(&format!("# header\n{line}\n"))
                .expect_err(line)
                .to_string();
            assert!(error.starts_with("line 2: "), "{line}: {error}");
            assert!(error.contains(wanted), "{line}: {error}");
        }
    }

    #[test]
    fn rejects_misplaced_blocks() {
        assert!(parse("GET /\nonce\nGET /a\nloop\nGET /b").is_err());
        assert!(parse("once\nGET /a\nloop\nonce\nGET /b").is_err());
        assert!(parse("loop\nGET /").is_err());
        let unclosed = parse("once\nGET /a\n").expect_err("no loop").to_string();
        assert!(unclosed.contains("never closed"), "{unclosed}");
        assert!(parse("# nothing\n\n").is_err());
        assert!(parse("once\nGET /\nloop\n").is_err());
    }

    #[test]
    fn get_mode_builds_a_single_step() {
        let step = Step::get("/healthz?x=1").expect("valid");
        assert_eq!(step.path.render("", 0), "/healthz?x=1");
        assert_eq!(step.label, "GET /healthz?x=1");
        assert!(Step::get("/a b").is_err());
    }
}
