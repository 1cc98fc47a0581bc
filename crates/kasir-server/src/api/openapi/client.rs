//! The web apps' API client, generated from the OpenAPI document: an ES module with one function
//! per operation (`api.js`) and its TypeScript declarations (`api.d.ts`). The files are committed
//! in `assets/web/`; a test regenerates them and fails when they differ (decision 013).

use std::fmt::Write;

use serde_json::Value;

/// `get_guest_orders_id` → `getGuestOrdersId`.
fn camel(id: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in id.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The TypeScript type of a JSON Schema.
fn ts(schema: &Value) -> String {
    if let Some(r) = schema["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or("unknown").to_string();
    }
    for (key, joiner) in [("allOf", " & "), ("oneOf", " | "), ("anyOf", " | ")] {
        if let Some(parts) = schema[key].as_array() {
            let types: Vec<String> = parts.iter().map(ts).collect();
            return format!("({})", types.join(joiner));
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        let types: Vec<String> =
            values.iter().map(|v| if v.is_null() { "null".to_string() } else { v.to_string() }).collect();
        return types.join(" | ");
    }
    let kinds: Vec<&str> = match &schema["type"] {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if kinds.is_empty() {
        return if schema["properties"].is_object() { object(schema) } else { "unknown".into() };
    }
    let types: Vec<String> = kinds
        .iter()
        .map(|k| match *k {
            "string" if schema["format"] == "binary" => "Blob".to_string(),
            "string" => "string".to_string(),
            "integer" | "number" => "number".to_string(),
            "boolean" => "boolean".to_string(),
            "null" => "null".to_string(),
            "array" => format!("Array<{}>", ts(&schema["items"])),
            "object" => object(schema),
            _ => "unknown".to_string(),
        })
        .collect();
    types.join(" | ")
}

fn object(schema: &Value) -> String {
    let Some(props) = schema["properties"].as_object() else {
        return match &schema["additionalProperties"] {
            Value::Object(_) => format!("Record<string, {}>", ts(&schema["additionalProperties"])),
            _ => "Record<string, unknown>".to_string(),
        };
    };
    let required: Vec<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let fields: Vec<String> = props
        .iter()
        .map(|(name, s)| {
            let optional = if required.contains(&name.as_str()) { "" } else { "?" };
            format!("{}{optional}: {}", quote(name), ts(s))
        })
        .collect();
    format!("{{ {} }}", fields.join("; "))
}

/// The type of an operation's answer: the envelope's `data` (or the list's items as an array).
fn answer(op: &Value) -> String {
    let responses = &op["responses"];
    for status in ["200", "201"] {
        let schema = &responses[status]["content"]["application/json"]["schema"];
        if schema.is_object() {
            return if schema["properties"]["data"].is_object() {
                ts(&schema["properties"]["data"])
            } else {
                ts(schema)
            };
        }
        if responses[status].is_object() {
            return "unknown".into();
        }
    }
    "unknown".into()
}

/// `(api.js, api.d.ts)` for the document `doc`.
pub fn generate(doc: &Value) -> (String, String) {
    let header = "// Generated from /api/v1/openapi.json by kasir_server::api::openapi::client: do not edit.\n\
                  // `KASIR_WRITE_CLIENT=1 cargo nextest run -E 'test(generated_client)'` writes it again.\n";
    let mut js = String::from(header);
    js.push_str("import { api } from \"./common.js\";\n\n");
    js.push_str(
        "const query = (q) => {\n  const s = new URLSearchParams(Object.entries(q || {}).filter(([, v]) => v !== undefined && v !== null)).toString();\n  return s ? `?${s}` : \"\";\n};\n",
    );
    let mut dts = String::from(header);
    dts.push_str("\nexport interface Call<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> {\n  path?: P;\n  query?: Q;\n  body?: B;\n  headers?: Record<string, string>;\n}\n\n");
    for (name, schema) in doc["components"]["schemas"].as_object().into_iter().flatten() {
        if let Some(d) = schema["description"].as_str() {
            let _ = writeln!(dts, "/** {} */", d.replace("*/", "* /").replace('\n', " "));
        }
        let _ = writeln!(dts, "export type {name} = {};", ts(schema));
    }
    for (path, ops) in doc["paths"].as_object().into_iter().flatten() {
        let Some(rel) = path.strip_prefix("/api/v1") else { continue };
        for (method, op) in ops.as_object().into_iter().flatten() {
            let Some(id) = op["operationId"].as_str() else { continue };
            let fname = camel(id);
            let url = rel.replace('{', "${encodeURIComponent(o.path.").replace('}', ")}");
            let summary = op["summary"].as_str().unwrap_or_default().replace("*/", "* /");
            let params: Vec<&Value> = op["parameters"].as_array().into_iter().flatten().collect();
            let of = |place: &str| -> String {
                let fields: Vec<String> = params
                    .iter()
                    .filter(|p| p["in"] == place)
                    .map(|p| {
                        let optional = if p["required"] == true { "" } else { "?" };
                        format!("{}{optional}: {}", quote(p["name"].as_str().unwrap_or_default()), ts(&p["schema"]))
                    })
                    .collect();
                format!("{{ {} }}", fields.join("; "))
            };
            let body = &op["requestBody"]["content"]["application/json"]["schema"];
            let body = if body.is_object() { ts(body) } else { "never".to_string() };
            let needs_path = rel.contains('{');
            let _ = writeln!(js, "\n/** {summary} */");
            let _ = writeln!(
                js,
                "export const {fname} = (o = {{}}) => api(`{url}${{query(o.query)}}`, {{ method: {}, body: o.body, headers: o.headers }});",
                quote(&method.to_uppercase())
            );
            let _ = writeln!(dts, "\n/** {summary} */");
            let arg = if needs_path { "o" } else { "o?" };
            let _ = writeln!(
                dts,
                "export declare function {fname}({arg}: Call<{}, {}, {body}>): Promise<{}>;",
                of("path"),
                of("query"),
                answer(op)
            );
        }
    }
    (js, dts)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn operations_become_typed_functions() {
        assert_eq!(super::camel("get_guest_orders_id"), "getGuestOrdersId");
        let schema = json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}, "b": {"type": ["string", "null"]}}});
        assert_eq!(super::ts(&schema), r#"{ "a": number; "b"?: string | null }"#);
        assert_eq!(super::ts(&json!({"type": "array", "items": {"$ref": "#/components/schemas/Sale"}})), "Array<Sale>");
    }
}
