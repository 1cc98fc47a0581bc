//! Dependencies point down: routes → operations → store → domain. The crates enforce the last two
//! steps; these tests enforce the first inside the server (a module without routes, an operation
//! such as `selling::checkout`, never uses a module with routes: handlers or a resource), and that
//! statuses are written and compared only through their enums in the domain.

#[cfg(test)]
mod tests {
    use std::{collections::BTreeMap, path::Path};

    fn sources(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("the source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                sources(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let name = path.strip_prefix(root).expect("under src").to_string_lossy().replace('\\', "/");
                out.insert(name, std::fs::read_to_string(&path).expect("a source file"));
            }
        }
    }

    fn has_routes(text: &str) -> bool {
        text.contains("State<AppState>") || text.contains("impl Resource for") || text.contains("fn routes(")
    }

    /// Shared plumbing, used by both layers: the app, the API shell, platform mechanisms, principals.
    fn plumbing(file: &str) -> bool {
        ["app", "api/", "platform/", "auth/", "lib.rs", "demo.rs", "state.rs", "config.rs"]
            .iter()
            .any(|p| file.starts_with(p))
    }

    /// The file a `crate::a::b::…` or `super::b::…` path names, if it is a module of ours.
    fn target<'a>(files: &'a BTreeMap<String, String>, from: &str, path: &str) -> Option<&'a str> {
        let mut parts: Vec<&str> = path.split("::").collect();
        let mut base: Vec<&str> = Vec::new();
        match parts.first() {
            Some(&"crate") => {}
            Some(&"super") => {
                base = from.split('/').collect();
                base.pop();
                if from.ends_with("/mod.rs") {
                    base.pop();
                }
            }
            _ => return None,
        }
        parts.remove(0);
        (1..=parts.len()).rev().find_map(|k| {
            let module = base.iter().chain(&parts[..k]).copied().collect::<Vec<_>>().join("/");
            [format!("{module}.rs"), format!("{module}/mod.rs")]
                .into_iter()
                .find_map(|c| files.get_key_value(&c).map(|(name, _)| name.as_str()))
        })
    }

    #[test]
    fn operations_never_use_routes() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = BTreeMap::new();
        sources(&root, &root, &mut files);
        let mut wrong = Vec::new();
        for (file, text) in &files {
            if plumbing(file) || has_routes(text) {
                continue;
            }
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for start in ["crate::", "super::"] {
                    for (at, _) in line.match_indices(start) {
                        let path: String =
                            line[at..].chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
                        if let Some(t) = target(&files, file, path.trim_end_matches(':')) {
                            if t != file && !plumbing(t) && has_routes(&files[t]) {
                                wrong.push(format!("{file} uses {t} ({path})"));
                            }
                        }
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "operations using route modules:\n{}", wrong.join("\n"));
        assert!(files.len() > 50, "the sources were found");
    }

    /// No sale, order or shift status is spelled out in the server or the store: they come from
    /// `kasir_domain::status` (SQL text aside, where they appear in single quotes).
    #[test]
    fn statuses_come_from_their_enums() {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the crates folder");
        let mut files = BTreeMap::new();
        for dir in [crates.join("kasir-server/src"), crates.join("kasir-store/src")] {
            sources(&dir, crates, &mut files);
        }
        let spelled = [
            "\"completed\"",
            "\"voided\"",
            "\"NEW\"",
            "\"ACCEPTED\"",
            "\"COOKING\"",
            "\"READY\"",
            "\"DONE\"",
            "\"VOIDED\"",
            "from(\"open\")",
            "from(\"closed\")",
            "!= \"open\"",
            "== \"open\"",
        ];
        let mut wrong = Vec::new();
        for (file, text) in &files {
            for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim_start().starts_with("//")) {
                if let Some(s) = spelled.iter().find(|s| line.contains(*s)) {
                    wrong.push(format!("{file}:{}: {s}", n + 1));
                }
            }
        }
        assert!(wrong.is_empty(), "status literals outside kasir_domain::status:\n{}", wrong.join("\n"));
    }
}
