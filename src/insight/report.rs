//! The coverage report as a page a person reads (`GET /_emulator/coverage?format=html`).

use super::coverage::Report;
use std::fmt::Write;

/// Text safe inside HTML elements and quoted attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn counts(map: &std::collections::BTreeMap<String, u64>) -> String {
    map.iter()
        .map(|(name, n)| format!("{} ×{n}", escape(name)))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Report {
    pub fn to_html(&self) -> String {
        let mut page = String::with_capacity(64 * 1024);
        let _ = write!(
            page,
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>eci-emulator coverage</title>\
             <style>body{{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#1d2330}}\
             table{{border-collapse:collapse;margin-bottom:18px}}th,td{{text-align:left;padding:3px 8px;\
             border-bottom:1px solid #e3e6eb;vertical-align:top}}tr.uncalled td{{color:#8a91a0}}\
             td.n{{text-align:right}}.muted{{color:#6b7385}}</style></head><body>\
             <h1>Call coverage</h1><p id=\"summary\">{}</p><p class=\"muted\">Counted since {}.</p>",
            escape(&self.summary.line),
            escape(&self.since)
        );
        for product in &self.products {
            let _ = write!(
                page,
                "<h2>{} {}</h2><table id=\"coverage-{}\"><thead><tr><th>Operation</th><th>Calls</th>\
                 <th>OK</th><th>Errors answered</th><th>Faults fired</th><th>Parameters seen</th>\
                 <th>Documented errors never answered</th></tr></thead><tbody>",
                crate::actions::Product::from_code(product.product)
                    .map_or(product.product, crate::actions::Product::name),
                product.version,
                product.product
            );
            for op in &product.operations {
                let _ = write!(
                    page,
                    "<tr class=\"{}\" data-action=\"{}\"><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                     <td>{}</td><td>{}</td><td>{}</td><td class=\"muted\">{}</td></tr>",
                    if op.calls == 0 { "uncalled" } else { "called" },
                    escape(op.action),
                    escape(op.action),
                    op.calls,
                    op.successes,
                    counts(&op.errors),
                    counts(&op.faults),
                    escape(&op.parameters.join(", ")),
                    escape(&op.documented_errors_not_returned.join(", "))
                );
            }
            page.push_str("</tbody></table>");
        }
        let unknown = self.unknown_actions.iter().chain(&self.unknown_versions);
        page.push_str("<h2>Unknown actions and versions tried</h2><table id=\"unknown\"><thead><tr><th>Version</th><th>Action</th><th>Calls</th></tr></thead><tbody>");
        for tried in unknown {
            let _ = write!(
                page,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                escape(&tried.version),
                escape(&tried.action),
                tried.calls
            );
        }
        let _ = writeln!(
            page,
            "</tbody></table><p class=\"muted\">Calls that could not be read (no action or version): {}.</p></body></html>",
            self.unreadable_calls
        );
        page
    }
}

#[cfg(test)]
mod tests {
    use crate::insight::coverage::Coverage;
    use crate::insight::journal::tests::call;

    #[test]
    fn names_from_calls_are_escaped() {
        let coverage = Coverage::new(time::OffsetDateTime::UNIX_EPOCH);
        coverage.count(&call("<script>x</script>", "InvalidAction.NotFound", ""));
        let page = coverage.report().to_html();
        assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(!page.contains("<script>"));
        assert!(page.contains("data-action=\"CreateContainerGroup\""));
    }
}
