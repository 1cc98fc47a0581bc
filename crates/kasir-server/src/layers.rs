//! Dependencies point down: routes → operations → store → domain. The crates enforce the last two
//! steps; these tests enforce the first inside the server (a module without routes, an operation
//! such as `selling::checkout`, never uses a module with routes: handlers or a resource), and that
//! statuses are written and compared only through their enums in the domain, and amounts of money
//! are added, taken and summed only through `kasir_domain::Money` (records keep plain `i64`).

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

    /// The server's and the store's sources, by path from the crates folder.
    fn server_and_store() -> BTreeMap<String, String> {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the crates folder");
        let mut files = BTreeMap::new();
        for dir in [crates.join("kasir-server/src"), crates.join("kasir-store/src")] {
            sources(&dir, crates, &mut files);
        }
        files
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
    /// `kasir_domain::status` (SQL text aside, where they appear in single quotes). A payment
    /// gateway's protocol (`payments/gateway/`) has words of its own, mapped to ours there.
    #[test]
    fn statuses_come_from_their_enums() {
        let files = server_and_store();
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
        for (file, text) in files.iter().filter(|(f, _)| !f.starts_with("kasir-server/src/payments/gateway/")) {
            for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim_start().starts_with("//")) {
                if let Some(s) = spelled.iter().find(|s| line.contains(*s)) {
                    wrong.push(format!("{file}:{}: {s}", n + 1));
                }
            }
        }
        assert!(wrong.is_empty(), "status literals outside kasir_domain::status:\n{}", wrong.join("\n"));
    }

    /// The code of `text` with its comments and the contents of its string and character
    /// literals blanked out (SQL lives in strings), line by line.
    fn code_lines(text: &str) -> Vec<String> {
        let mut out = vec![String::new()];
        let chars: Vec<char> = text.chars().collect();
        let (mut i, mut in_str, mut raw_hashes) = (0, false, None::<usize>);
        while i < chars.len() {
            let c = chars[i];
            if c == '\n' {
                out.push(String::new());
                i += 1;
                continue;
            }
            let line = out.last_mut().expect("a line");
            if in_str {
                match (c, raw_hashes) {
                    ('\\', None) => i += 1,
                    ('"', None) => in_str = false,
                    ('"', Some(n)) if chars[i + 1..].iter().take(n).all(|h| *h == '#') => {
                        in_str = false;
                        i += n;
                        raw_hashes = None;
                    }
                    _ => {}
                }
                if !in_str {
                    line.push('"');
                }
                i += 1;
                continue;
            }
            if c == '/' && chars.get(i + 1) == Some(&'/') {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            if c == '\'' && chars.get(i + 2) == Some(&'\'') {
                line.push_str("' '");
                i += 3;
                continue;
            }
            if c == 'r'
                && matches!(chars.get(i + 1), Some('#') | Some('"'))
                && !line.ends_with(|p: char| p.is_alphanumeric() || p == '_')
            {
                let n = chars[i + 1..].iter().take_while(|h| **h == '#').count();
                if chars.get(i + 1 + n) == Some(&'"') {
                    in_str = true;
                    raw_hashes = Some(n);
                    line.push('"');
                    i += n + 2;
                    continue;
                }
            }
            if c == '"' {
                in_str = true;
                raw_hashes = None;
            }
            line.push(c);
            i += 1;
        }
        out
    }

    /// Whether an identifier names an amount of money.
    fn is_money(ident: &str) -> bool {
        const WORDS: [&str; 16] = [
            "price", "cost", "total", "subtotal", "amount", "paid", "cash", "change", "rounding", "gross", "net",
            "discount", "tax", "due", "balance", "fee",
        ];
        // Counts whose names share a word with money.
        const COUNTS: [&str; 1] = ["parts_paid"];
        let last = ident.rsplit('.').next().unwrap_or(ident);
        !COUNTS.contains(&last) && last.split('_').any(|w| WORDS.contains(&w))
    }

    /// Amounts of money are added, taken and summed with `kasir_domain::Money` (or the checked
    /// `money::sum` and `money::add` over record fields), never with `+`, `-`, `*`, `.sum()` or a
    /// saturating step. Reports are exempt: they total many amounts into figures that may pass
    /// the bound of one amount, in `i64`, which cannot overflow on any real business.
    #[test]
    fn money_is_computed_with_money() {
        let files = server_and_store();
        let aggregates = ["kasir-store/src/reports.rs", "kasir-store/src/selling/shift_report.rs"];
        let mut wrong = Vec::new();
        for (file, text) in files.iter().filter(|(f, _)| !aggregates.contains(&f.as_str())) {
            for (n, line) in code_lines(text).iter().enumerate() {
                let idents: Vec<&str> = line
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                    .filter(|t| t.starts_with(|c: char| c.is_alphabetic() || c == '_'))
                    .collect();
                let words: Vec<&str> = line.split_whitespace().collect();
                let arithmetic = words.windows(3).any(|w| {
                    ["+", "-", "*", "+=", "-=", "*="].contains(&w[1])
                        && [w[0], w[2]].iter().any(|side| {
                            side.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                                .filter(|t| !t.is_empty())
                                .any(is_money)
                        })
                });
                let summed =
                    (line.contains(".sum()") || line.contains(".sum::<i64>()") || line.contains("saturating_"))
                        && idents.iter().any(|i| is_money(i));
                if arithmetic || summed {
                    wrong.push(format!("{file}:{}: {}", n + 1, line.trim()));
                }
            }
        }
        assert!(wrong.is_empty(), "money computed without kasir_domain::Money:\n{}", wrong.join("\n"));
    }
}
