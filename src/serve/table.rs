//! The one list of the service's routes. The router dispatches from it,
//! checks query parameters against it, `GET /api` returns it, and the
//! module docs and `topics serve --help` are made from it (a test checks
//! the module docs), so the four can never disagree.

use serde_json::{json, Value};

use super::routes::{App, Call, Reply};

/// A query parameter (or, for a path like `/api/labels/{topic}`, the path
/// segment) that a route takes.
#[derive(Debug)]
pub struct Param {
    /// The parameter's name.
    pub name: &'static str,
    /// What it does, for the API listing.
    pub doc: &'static str,
}

/// What a route computes; `Err` is an error reply.
pub(super) type Handler = fn(&App, &Call) -> Result<Reply, Reply>;

/// One route: methods, path pattern (`{topic}` matches one segment),
/// parameters, body and what it answers.
pub struct Route {
    /// HTTP methods the route answers.
    pub methods: &'static [&'static str],
    /// Path pattern (`{topic}` matches one segment).
    pub path: &'static str,
    /// Query (or path) parameters it takes.
    pub params: &'static [Param],
    /// What the request body holds, for routes that take one.
    pub body: Option<&'static str>,
    /// What the route answers, for the API listing.
    pub description: &'static str,
    pub(super) handler: Handler,
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.methods.join("|"), self.path)
    }
}

const TOPIC: Param = Param {
    name: "topic",
    doc: "a topic id (`2`, `#2`) or label (`Trust`)",
};

/// Every route, in the order the docs list them.
pub static ROUTES: &[Route] = &[
    Route {
        methods: &["GET"],
        path: "/",
        params: &[],
        body: None,
        description: "the report page, with label editing and inference",
        handler: App::page,
    },
    Route {
        methods: &["GET"],
        path: "/api",
        params: &[],
        body: None,
        description: "`{token, routes}`: this list, and the token state-changing requests carry",
        handler: App::api,
    },
    Route {
        methods: &["GET"],
        path: "/api/model",
        params: &[],
        body: None,
        description: "settings and provenance (k, seed, input SHA-256, ...)",
        handler: App::model_info,
    },
    Route {
        methods: &["GET"],
        path: "/api/topics",
        params: &[],
        body: None,
        description: "`[{id, label, share, words}]` (10 most probable words)",
        handler: App::topics,
    },
    Route {
        methods: &["GET"],
        path: "/api/words",
        params: &[
            Param {
                name: "by",
                doc: "prob (default), relevance, frex, lift, score or saliency",
            },
            Param {
                name: "n",
                doc: "words per topic, 1 to 1000 (default 15)",
            },
            Param {
                name: "lambda",
                doc: "the weight of relevance and frex, 0 to 1 (default 0.6)",
            },
            Param {
                name: "topic",
                doc: "only this topic (id or label; default all)",
            },
        ],
        body: None,
        description: "`[{topic, label, ranking, words}]`: top words by a ranking",
        handler: App::words,
    },
    Route {
        methods: &["GET"],
        path: "/api/quotes",
        params: &[
            TOPIC,
            Param {
                name: "n",
                doc: "how many, 1 to 1000 (default 5)",
            },
        ],
        body: None,
        description: "`{topic, label, quotes}`: the answers with the highest θ for a topic",
        handler: App::quotes,
    },
    Route {
        methods: &["GET"],
        path: "/api/answers",
        params: &[
            Param {
                name: "q",
                doc: "only answers containing this text (case-insensitive)",
            },
            Param {
                name: "topic",
                doc: "only answers whose dominant topic is this one (id or label)",
            },
            Param {
                name: "sort",
                doc: "theta (default: by θ of `topic`, else of each answer's dominant topic, descending) or id (document order)",
            },
            Param {
                name: "limit",
                doc: "answers returned, 1 to 1000 (default 50)",
            },
            Param {
                name: "offset",
                doc: "matching answers skipped (default 0)",
            },
        ],
        body: None,
        description: "`{total, offset, answers: [{id, text, dominant, theta}]}`: search the fitted answers",
        handler: App::answers,
    },
    Route {
        methods: &["GET"],
        path: "/api/theta",
        params: &[Param {
            name: "id",
            doc: "the id of a fitted answer",
        }],
        body: None,
        description: "`{id, theta}`: θ of a fitted answer",
        handler: App::theta,
    },
    Route {
        methods: &["POST"],
        path: "/api/infer",
        params: &[],
        body: Some("{\"answers\": [\"text\" or {\"id\", \"text\"}, ...], \"iterations\"?, \"seed\"?}"),
        description: "`[{id, theta, known_tokens, unknown_tokens}]`: θ of new answers (at most 1000)",
        handler: App::infer,
    },
    Route {
        methods: &["GET"],
        path: "/api/labels",
        params: &[],
        body: None,
        description: "the labels, one per topic (`null` where unlabeled), as on disk now",
        handler: App::labels_list,
    },
    Route {
        methods: &["PUT", "POST"],
        path: "/api/labels/{topic}",
        params: &[TOPIC],
        body: Some("{\"label\": \"Trust\"}"),
        description: "`{topic, label, labels}`: names a topic in MODEL.labels.json (409 if another topic has the label)",
        handler: App::label_set,
    },
    Route {
        methods: &["DELETE"],
        path: "/api/labels/{topic}",
        params: &[TOPIC],
        body: None,
        description: "`{topic, label: null, labels}`: removes a topic's label",
        handler: App::label_remove,
    },
    Route {
        methods: &["GET"],
        path: "/api/diagnostics",
        params: &[],
        body: None,
        description: "per-topic diagnostics (coherence, exclusivity, ...)",
        handler: App::diagnostics,
    },
];

impl Route {
    /// The query parameters (those not in the path).
    pub fn query_params(&self) -> impl Iterator<Item = &Param> {
        let path = self.path;
        self.params
            .iter()
            .filter(move |p| !path.contains(&format!("{{{}}}", p.name)))
    }

    /// `Some(segment)` (or `Some(None)` for a pattern without a
    /// placeholder) when `path` matches this route's pattern.
    pub(super) fn matches<'a>(&self, path: &'a str) -> Option<Option<&'a str>> {
        let mut captured = None;
        let mut pattern = self.path.split('/');
        let mut actual = path.split('/');
        loop {
            match (pattern.next(), actual.next()) {
                (None, None) => return Some(captured),
                (Some(p), Some(a)) if p.starts_with('{') && !a.is_empty() => captured = Some(a),
                (Some(p), Some(a)) if p == a => {}
                _ => return None,
            }
        }
    }
}

/// The `routes` of `GET /api`.
pub fn routes_json() -> Value {
    ROUTES
        .iter()
        .map(|r| {
            json!({
                "methods": r.methods,
                "path": r.path,
                "parameters": r.params.iter().map(|p| json!({"name": p.name, "doc": p.doc})).collect::<Vec<_>>(),
                "body": r.body,
                "description": r.description,
            })
        })
        .collect()
}

/// The route table in Markdown, as the module docs show it.
pub fn markdown() -> String {
    let mut out = String::from("| method | path | parameters | answers |\n|---|---|---|---|\n");
    for r in ROUTES {
        let mut params: Vec<String> = r
            .params
            .iter()
            .map(|p| format!("`{}`: {}", p.name, p.doc))
            .collect();
        if let Some(body) = r.body {
            params.push(format!("body `{body}`"));
        }
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            r.methods.join(", "),
            r.path,
            params.join("; "),
            r.description
        ));
    }
    out
}

/// The route list in `topics serve --help`.
pub fn help() -> String {
    let mut out = String::from(
        "API (JSON; errors are {\"error\": ...} with a 4xx status; a topic is an id or a label):\n",
    );
    for r in ROUTES {
        out.push_str(&format!(
            "  {:<8} {:<22} {}\n",
            r.methods.join(","),
            r.path,
            r.description.replace('`', "")
        ));
        for p in r.query_params() {
            out.push_str(&format!(
                "  {:<8} {:<22}   {}: {}\n",
                "",
                "",
                p.name,
                p.doc.replace('`', "")
            ));
        }
        if let Some(body) = r.body {
            out.push_str(&format!("  {:<8} {:<22}   body: {body}\n", "", ""));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_paths_and_capture_one_segment() {
        let labels = ROUTES
            .iter()
            .find(|r| r.path == "/api/labels/{topic}")
            .unwrap();
        assert_eq!(labels.matches("/api/labels/Trust"), Some(Some("Trust")));
        assert_eq!(labels.matches("/api/labels/"), None);
        assert_eq!(labels.matches("/api/labels/a/b"), None);
        assert_eq!(labels.matches("/api/labels"), None);
        let root = &ROUTES[0];
        assert_eq!(root.matches("/"), Some(None));
        assert_eq!(root.matches("/x"), None);
        assert_eq!(labels.query_params().count(), 0);
    }

    #[test]
    fn every_route_is_unique_and_documented() {
        for (i, a) in ROUTES.iter().enumerate() {
            assert!(!a.description.is_empty(), "{a:?}");
            for b in &ROUTES[i + 1..] {
                let shared = a.methods.iter().any(|m| b.methods.contains(m));
                assert!(!(a.path == b.path && shared), "{a:?} and {b:?}");
            }
        }
    }

    /// The module docs show exactly this table.
    #[test]
    fn module_docs_show_the_route_table() {
        let source = include_str!("mod.rs");
        let docs: String = source
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .map(|l| format!("{}\n", l.trim_start_matches("//!").trim_start()))
            .collect();
        assert!(
            docs.contains(&markdown()),
            "src/serve/mod.rs must show this table in its docs:\n{}",
            markdown()
        );
    }

    #[test]
    fn help_lists_every_route_and_parameter() {
        let help = help();
        assert!(help.contains("  PUT,POST /api/labels/{topic}    {topic, label, labels}: names a topic in MODEL.labels.json (409 if another topic has the label)\n"), "{help}");
        assert!(
            help.contains("                                  sort: theta (default"),
            "{help}"
        );
        assert_eq!(
            help.lines().filter(|l| l.contains(" /")).count(),
            ROUTES.len()
        );
    }
}
