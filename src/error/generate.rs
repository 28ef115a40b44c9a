//! Writes `codes.rs` from the catalogue tables, and holds it to them: `cargo test` fails when the
//! file is stale, and `ECI_WRITE_CODES=1 cargo test --lib error::generate` writes it again.

use std::collections::BTreeMap;

/// The tables and the enum each becomes.
const TABLES: [(&str, &str, &str); 2] = [
    (
        "EciCode",
        "A code that ECI 2018-08-08's operations document (`catalogue.tsv`).",
        include_str!("catalogue.tsv"),
    ),
    (
        "CompanionCode",
        "A code that the VPC 2016-04-28, ECS 2014-05-26, STS 2015-04-01 or Resource Manager 2020-03-31 operations document (`companions.tsv`).",
        include_str!("companions.tsv"),
    ),
];

/// `QuotaExceeded.Vpc` → `QuotaExceededVpc`.
pub fn variant(code: &str) -> String {
    code.split(|c: char| !c.is_ascii_alphanumeric())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Each code of a table, in code order, with the status and message of its first row.
fn codes(table: &str) -> BTreeMap<&str, (&str, &str)> {
    let mut codes = BTreeMap::new();
    for line in table.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let mut fields = line.splitn(4, '\t');
        let (_, status, code, message) = (fields.next(), fields.next(), fields.next(), fields.next());
        if let (Some(status), Some(code), Some(message)) = (status, code, message) {
            codes.entry(code).or_insert((status, message));
        }
    }
    codes
}

fn enum_of(name: &str, doc: &str, table: &str) -> String {
    let codes = codes(table);
    let mut out = format!("/// {doc}\n#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub enum {name} {{\n");
    for code in codes.keys() {
        out += &format!("    /// `{code}`\n    {},\n", variant(code));
    }
    out += &format!(
        "}}\n\nimpl DocumentedCode for {name} {{\n    fn as_str(self) -> &'static str {{\n        match self {{\n"
    );
    for code in codes.keys() {
        out += &format!("            {name}::{} => {code:?},\n", variant(code));
    }
    out += "        }\n    }\n\n    fn status(self) -> u16 {\n        match self {\n";
    for (code, (status, _)) in &codes {
        out += &format!("            {name}::{} => {status},\n", variant(code));
    }
    out += "        }\n    }\n\n    fn template(self) -> &'static str {\n        match self {\n";
    for (code, (_, message)) in &codes {
        out += &format!("            {name}::{} => {message:?},\n", variant(code));
    }
    out += "        }\n    }\n}\n";
    out
}

pub fn codes_file() -> String {
    let mut out = String::from(
        "//! The documented error codes as types, one enum per catalogue table, so a code that no operation\n\
         //! documents does not compile. Generated from the tables by `generate.rs`: do not edit; a test fails\n\
         //! when this file is stale, and `ECI_WRITE_CODES=1 cargo test --lib error::generate` writes it again.\n\n\
         /// A documented code: its wire spelling, and the status and message of the first operation that\n\
         /// documents it (what it answers with under an action that does not).\n\
         pub trait DocumentedCode: Copy {\n    fn as_str(self) -> &'static str;\n    fn status(self) -> u16;\n    fn template(self) -> &'static str;\n}\n",
    );
    for (name, doc, table) in TABLES {
        out += "\n";
        out += &enum_of(name, doc, table);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codes_file_is_generated_from_the_tables() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/error/codes.rs");
        let expected = codes_file();
        if std::env::var_os("ECI_WRITE_CODES").is_some() {
            std::fs::write(path, &expected).unwrap();
        }
        let found = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            found == expected,
            "src/error/codes.rs is stale: run ECI_WRITE_CODES=1 cargo test --lib error::generate"
        );
    }

    #[test]
    fn each_code_makes_one_variant() {
        for (_, _, table) in TABLES {
            let codes = codes(table);
            let mut variants: Vec<String> = codes.keys().map(|c| variant(c)).collect();
            variants.sort();
            variants.dedup();
            assert_eq!(variants.len(), codes.len(), "two codes make one variant name");
        }
        assert_eq!(variant("InvalidParameter.CPU.Memory"), "InvalidParameterCPUMemory");
    }
}
