//! The flattened RPC parameter form (`Container.1.Port.2.Port=80`) as a tree, and a serde
//! `Deserializer` over it so request structs are plain derives.
//!
//! Choices where the documentation is silent:
//! - a key given twice (also once in the query and once in the body) is refused;
//! - list indices are canonical decimals starting at 1 with no gaps;
//! - an empty value counts as absent for optional fields (Go clients send `""` for unset ones);
//! - a value that is Go's placeholder for a field alibaba-cloud-sdk-go cannot write (`<[]string Value>`,
//!   what `reflect.Value.String()` gives for a non-string) is not a value the caller gave: that SDK sends
//!   `Container.N.LivenessProbe.Exec.Command=<[]string Value>` with every create, and the service takes
//!   those creates, so the parameter counts as not sent;
//! - booleans are case-insensitive, integers may be written `2.0`, floats must be finite.

use super::split::split_ascii;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

use super::limits::{MAX_LIST_INDEX as MAX_INDEX, MAX_NAME_SEGMENTS};

/// One node of the parameter tree, borrowing its names and values from the decoded parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'t> {
    Leaf(&'t str),
    Branch(BTreeMap<&'t str, Node<'t>>),
}

/// Why a parameter map was refused, and which parameter it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlatError {
    pub path: Option<String>,
    pub kind: FlatErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlatErrorKind {
    /// A required field is absent; holds the field name, joined to `path` on the way out.
    Missing(String),
    Invalid(String),
}

impl FlatError {
    fn invalid(path: &str, why: impl Into<String>) -> Self {
        FlatError {
            path: Some(path.to_owned()),
            kind: FlatErrorKind::Invalid(why.into()),
        }
    }

    /// The full name of the parameter at fault.
    pub fn parameter(&self) -> String {
        match (&self.path, &self.kind) {
            (Some(p), FlatErrorKind::Missing(field)) if !p.is_empty() => format!("{p}.{field}"),
            (_, FlatErrorKind::Missing(field)) => field.clone(),
            (Some(p), FlatErrorKind::Invalid(_)) => p.clone(),
            (None, FlatErrorKind::Invalid(_)) => String::new(),
        }
    }

    fn at(mut self, path: &Path<'_>) -> Self {
        if self.path.is_none() {
            self.path = Some(path.render());
        }
        self
    }
}

impl fmt::Display for FlatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FlatErrorKind::Missing(_) => write!(f, "missing parameter {}", self.parameter()),
            FlatErrorKind::Invalid(why) => write!(f, "parameter {}: {why}", self.parameter()),
        }
    }
}

impl std::error::Error for FlatError {}

impl de::Error for FlatError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        FlatError {
            path: None,
            kind: FlatErrorKind::Invalid(msg.to_string()),
        }
    }

    fn missing_field(field: &'static str) -> Self {
        FlatError {
            path: None,
            kind: FlatErrorKind::Missing(field.to_owned()),
        }
    }
}

/// Builds the tree from decoded `key=value` pairs.
pub fn build_tree<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Node<'a>, FlatError> {
    let mut root = BTreeMap::new();
    for (key, value) in pairs.into_iter().filter(|(_, value)| !is_unwritten_go_value(value)) {
        insert(&mut root, key, value)?;
    }
    Ok(Node::Branch(root))
}

/// `<T Value>`: what Go's `reflect.Value.String()` answers for a value that is not a string.
fn is_unwritten_go_value(value: &str) -> bool {
    value
        .strip_prefix('<')
        .and_then(|rest| rest.strip_suffix(" Value>"))
        .is_some_and(|type_name| !type_name.is_empty() && !type_name.contains(['<', '>', ' ']))
}

fn insert<'a>(root: &mut BTreeMap<&'a str, Node<'a>>, key: &'a str, value: &'a str) -> Result<(), FlatError> {
    if split_ascii(key, b'.').any(str::is_empty) {
        return Err(FlatError::invalid(key, "the parameter name has an empty segment"));
    }
    // The tree is as deep as the deepest name, and dropping or walking it recurses that deep.
    if split_ascii(key, b'.').nth(MAX_NAME_SEGMENTS).is_some() {
        return Err(FlatError::invalid(
            key.get(..64).unwrap_or("parameter"),
            format!("a parameter name has at most {MAX_NAME_SEGMENTS} segments"),
        ));
    }
    let mut segments = split_ascii(key, b'.').peekable();
    let mut branch = root;
    while let Some(segment) = segments.next() {
        let is_last = segments.peek().is_none();
        if is_last {
            return match branch.get(segment) {
                Some(Node::Leaf(_)) => Err(FlatError::invalid(key, "the parameter is given more than once")),
                Some(Node::Branch(_)) => Err(conflict(key)),
                None => {
                    branch.insert(segment, Node::Leaf(value));
                    Ok(())
                }
            };
        }
        let entry = branch.entry(segment).or_insert_with(|| Node::Branch(BTreeMap::new()));
        branch = match entry {
            Node::Branch(children) => children,
            Node::Leaf(_) => return Err(conflict(key)),
        };
    }
    Ok(())
}

fn conflict(key: &str) -> FlatError {
    FlatError::invalid(key, "the parameter is given both as a value and as a structure")
}

/// Deserializes a `T` from decoded pairs.
pub fn from_pairs<'a, T: DeserializeOwned>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<T, FlatError> {
    let tree = build_tree(pairs)?;
    from_tree(&tree)
}

/// Deserializes a `T` from an already built tree.
pub fn from_tree<T: DeserializeOwned>(tree: &Node<'_>) -> Result<T, FlatError> {
    let root = Path::Root;
    T::deserialize(NodeDeserializer {
        node: tree,
        path: &root,
    })
}

/// Where a node sits, kept as a chain so no string is built unless an error needs it.
#[derive(Debug, Clone, Copy)]
enum Path<'a> {
    Root,
    Child(&'a Path<'a>, &'a str),
}

impl Path<'_> {
    fn render(&self) -> String {
        match self {
            Path::Root => String::new(),
            Path::Child(Path::Root, seg) => (*seg).to_owned(),
            Path::Child(parent, seg) => format!("{}.{}", parent.render(), seg),
        }
    }
}

struct NodeDeserializer<'a> {
    node: &'a Node<'a>,
    path: &'a Path<'a>,
}

impl<'a> NodeDeserializer<'a> {
    fn leaf(&self, expected: &str) -> Result<&'a str, FlatError> {
        match self.node {
            Node::Leaf(v) => Ok(v),
            Node::Branch(_) => Err(FlatError::invalid(
                &self.path.render(),
                format!("expected {expected}, found a structure"),
            )),
        }
    }

    fn parse_leaf<T>(&self, expected: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T, FlatError> {
        let raw = self.leaf(expected)?;
        parse(raw).ok_or_else(|| FlatError::invalid(&self.path.render(), format!("expected {expected}")))
    }

    fn branch(&self, expected: &str) -> Result<&'a BTreeMap<&'a str, Node<'a>>, FlatError> {
        match self.node {
            Node::Branch(children) => Ok(children),
            Node::Leaf(_) => Err(FlatError::invalid(
                &self.path.render(),
                format!("expected {expected}, found a single value"),
            )),
        }
    }

    fn list_items(&self) -> Result<Vec<(&'a str, &'a Node<'a>)>, FlatError> {
        let children = self.branch("a list (Name.1, Name.2, …)")?;
        let mut items = Vec::with_capacity(children.len());
        for (key, node) in children {
            let index = parse_index(key).ok_or_else(|| {
                FlatError::invalid(
                    &Path::Child(self.path, key).render(),
                    "a list index must be a whole number from 1",
                )
            })?;
            items.push((index, *key, node));
        }
        items.sort_unstable_by_key(|(index, _, _)| *index);
        for (position, (index, key, _)) in items.iter().enumerate() {
            if *index != position + 1 {
                return Err(FlatError::invalid(
                    &Path::Child(self.path, key).render(),
                    format!(
                        "list indices must run 1, 2, 3… without gaps; index {} is missing",
                        position + 1
                    ),
                ));
            }
        }
        Ok(items.into_iter().map(|(_, key, node)| (key, node)).collect())
    }

    fn wrap<T>(&self, result: Result<T, FlatError>) -> Result<T, FlatError> {
        result.map_err(|e| e.at(self.path))
    }
}

/// A canonical list index: decimal, from 1, no leading zero, not absurdly large.
pub fn parse_index(key: &str) -> Option<usize> {
    if key.starts_with('0') || !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    key.parse::<usize>().ok().filter(|i| (1..=MAX_INDEX).contains(i))
}

fn parse_bool(raw: &str) -> Option<bool> {
    if raw.eq_ignore_ascii_case("true") {
        Some(true)
    } else if raw.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn parse_f64(raw: &str) -> Option<f64> {
    raw.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

fn parse_i128(raw: &str) -> Option<i128> {
    let raw = raw.trim();
    raw.parse::<i128>().ok().or_else(|| {
        let f = parse_f64(raw)?;
        (f.fract() == 0.0 && f.abs() < 1e30).then_some(f as i128)
    })
}

macro_rules! deserialize_integer {
    ($($method:ident => $ty:ty, $visit:ident;)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
                let expected = concat!("an integer (", stringify!($ty), ")");
                let value = self.parse_leaf(expected, |raw| parse_i128(raw).and_then(|i| <$ty>::try_from(i).ok()))?;
                self.wrap(visitor.$visit(value))
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for NodeDeserializer<'_> {
    type Error = FlatError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
        match self.node {
            Node::Leaf(v) => self.wrap(visitor.visit_str(v)),
            Node::Branch(children) if children.keys().all(|k| parse_index(k).is_some()) => {
                self.deserialize_seq(visitor)
            }
            Node::Branch(_) => self.deserialize_map(visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
        let value = self.parse_leaf("true or false", parse_bool)?;
        self.wrap(visitor.visit_bool(value))
    }

    deserialize_integer! {
        deserialize_i8 => i8, visit_i8;
        deserialize_i16 => i16, visit_i16;
        deserialize_i32 => i32, visit_i32;
        deserialize_i64 => i64, visit_i64;
        deserialize_u8 => u8, visit_u8;
        deserialize_u16 => u16, visit_u16;
        deserialize_u32 => u32, visit_u32;
        deserialize_u64 => u64, visit_u64;
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
        let value = self.parse_leaf("a number", parse_f64)?;
        self.wrap(visitor.visit_f64(value))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
        let value = self.leaf("a single value")?;
        self.wrap(visitor.visit_str(value))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
        match self.node {
            Node::Leaf("") => self.wrap(visitor.visit_none()),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
        self.wrap(visitor.visit_unit())
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, FlatError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, FlatError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
        let items = self.list_items()?;
        let access = ListAccess {
            items: items.into_iter(),
            parent: self.path,
        };
        self.wrap(visitor.visit_seq(access))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, FlatError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, FlatError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
        let children = self.branch("a structure (Name.Field)")?;
        let access = FieldAccess {
            entries: children.iter(),
            pending: None,
            parent: self.path,
        };
        self.wrap(visitor.visit_map(access))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FlatError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FlatError> {
        let value = self.leaf("one of the allowed values")?;
        let access: de::value::StrDeserializer<'_, FlatError> = value.into_deserializer();
        self.wrap(visitor.visit_enum(access))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FlatError> {
        visitor.visit_unit()
    }
}

struct ListAccess<'a, I> {
    items: I,
    parent: &'a Path<'a>,
}

impl<'de, 'a, I: ExactSizeIterator<Item = (&'a str, &'a Node<'a>)>> SeqAccess<'de> for ListAccess<'a, I> {
    type Error = FlatError;

    /// The exact length, so lists are allocated once at their size (an element of a kilobyte would
    /// otherwise start at a capacity of four).
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, FlatError> {
        match self.items.next() {
            None => Ok(None),
            Some((key, node)) => {
                let path = Path::Child(self.parent, key);
                let value = seed
                    .deserialize(NodeDeserializer { node, path: &path })
                    .map_err(|e| e.at(&path))?;
                Ok(Some(value))
            }
        }
    }
}

struct FieldAccess<'a, I> {
    entries: I,
    pending: Option<(&'a str, &'a Node<'a>)>,
    parent: &'a Path<'a>,
}

impl<'de, 'a, I: Iterator<Item = (&'a &'a str, &'a Node<'a>)>> MapAccess<'de> for FieldAccess<'a, I> {
    type Error = FlatError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, FlatError> {
        match self.entries.next() {
            None => Ok(None),
            Some((key, node)) => {
                self.pending = Some((*key, node));
                let key_de: de::value::StrDeserializer<'_, FlatError> = (*key).into_deserializer();
                seed.deserialize(key_de).map(Some)
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, FlatError> {
        let (key, node) = self
            .pending
            .take()
            .ok_or_else(|| <FlatError as de::Error>::custom("value requested before its key"))?;
        let path = Path::Child(self.parent, key);
        seed.deserialize(NodeDeserializer { node, path: &path })
            .map_err(|e| e.at(&path))
    }
}

/// For `#[serde(deserialize_with)]`: a parameter whose value is a JSON document inside a string,
/// such as `ContainerGroupIds=["eci-1","eci-2"]`.
pub fn json_in_string<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: de::Deserializer<'de>,
    T: DeserializeOwned,
{
    let raw: Option<String> = serde::Deserialize::deserialize(deserializer)?;
    match raw {
        None => Ok(None),
        Some(raw) => serde_json::from_str(&raw)
            .map(Some)
            .map_err(|e| de::Error::custom(format!("expected a JSON document ({e})"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    struct Port {
        port: u16,
        protocol: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    struct Container {
        name: String,
        cpu: Option<f64>,
        tty: Option<bool>,
        #[serde(default, rename = "Port")]
        ports: Vec<Port>,
        #[serde(default, rename = "Command")]
        commands: Vec<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    struct Request {
        region_id: String,
        #[serde(rename = "Container")]
        containers: Vec<Container>,
        limit: Option<i32>,
        #[serde(default, deserialize_with = "json_in_string")]
        container_group_ids: Option<Vec<String>>,
    }

    fn parse(pairs: &[(&str, &str)]) -> Result<Request, FlatError> {
        from_pairs(pairs.iter().copied())
    }

    #[test]
    fn nested_lists_and_scalars() {
        let req = parse(&[
            ("RegionId", "cn-hangzhou"),
            ("Container.2.Name", "b"),
            ("Container.1.Name", "a"),
            ("Container.1.Cpu", "0.25"),
            ("Container.1.Tty", "True"),
            ("Container.1.Port.1.Port", "80"),
            ("Container.1.Port.2.Port", "443.0"),
            ("Container.1.Port.2.Protocol", "TCP"),
            ("Container.1.Command.10", "j"),
            ("Container.1.Command.1", "a"),
            ("Container.1.Command.2", "b"),
            ("Container.1.Command.3", "c"),
            ("Container.1.Command.4", "d"),
            ("Container.1.Command.5", "e"),
            ("Container.1.Command.6", "f"),
            ("Container.1.Command.7", "g"),
            ("Container.1.Command.8", "h"),
            ("Container.1.Command.9", "i"),
            ("Limit", "2"),
            ("ContainerGroupIds", "[\"eci-1\",\"eci-2\"]"),
            ("Action", "ignored"),
        ])
        .unwrap();
        assert_eq!(req.containers.len(), 2);
        assert_eq!(req.containers[0].name, "a");
        assert_eq!(req.containers[0].cpu, Some(0.25));
        assert_eq!(req.containers[0].tty, Some(true));
        assert_eq!(
            req.containers[0].ports[1],
            Port {
                port: 443,
                protocol: Some("TCP".into())
            }
        );
        assert_eq!(req.containers[0].commands.join(""), "abcdefghij");
        assert_eq!(req.containers[1].name, "b");
        assert_eq!(req.limit, Some(2));
        assert_eq!(req.container_group_ids, Some(vec!["eci-1".into(), "eci-2".into()]));
    }

    #[test]
    fn empty_values_are_absent_for_optional_fields() {
        let req = parse(&[
            ("RegionId", "r"),
            ("Container.1.Name", "a"),
            ("Container.1.Cpu", ""),
            ("Limit", ""),
        ])
        .unwrap();
        assert_eq!(req.containers[0].cpu, None);
        assert_eq!(req.limit, None);
    }

    #[test]
    fn gos_placeholder_for_an_unwritten_field_is_not_a_value() {
        let req = parse(&[
            ("RegionId", "r"),
            ("Container.1.Name", "a"),
            ("Container.1.Command", "<[]string Value>"),
        ])
        .unwrap();
        assert!(req.containers[0].commands.is_empty());
        assert!(is_unwritten_go_value("<*eci.Thing Value>"));
        for kept in ["<>", "< Value>", "<a b Value>", "x<[]string Value>", "<[]string Value"] {
            assert!(!is_unwritten_go_value(kept), "{kept}");
        }
    }

    /// Each malformed input names the parameter at fault and never panics.
    #[test]
    fn errors_name_the_parameter() {
        const R: (&str, &str) = ("RegionId", "r");
        const N: (&str, &str) = ("Container.1.Name", "a");
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, bool);
        let cases: &[Case] = &[
            (&[N], "RegionId", true),
            (&[R], "Container", true),
            (&[R, ("Container.1.Cpu", "1")], "Container.1.Name", true),
            (&[R, ("Container.x.Name", "a")], "Container.x", false),
            (&[R, ("Container.0.Name", "a")], "Container.0", false),
            (&[R, ("Container.01.Name", "a")], "Container.01", false),
            (&[R, N, ("Container.3.Name", "a")], "Container.3", false),
            (
                &[R, ("Container.99999999999999999999.Name", "a")],
                "Container.99999999999999999999",
                false,
            ),
            (&[R, N, ("Container.1.Cpu", "lots")], "Container.1.Cpu", false),
            (&[R, N, ("Container.1.Cpu", "NaN")], "Container.1.Cpu", false),
            (&[R, N, ("Container.1.Cpu", "inf")], "Container.1.Cpu", false),
            (&[R, N, ("Container.1.Tty", "yes")], "Container.1.Tty", false),
            (
                &[R, N, ("Container.1.Port.1.Port", "70000")],
                "Container.1.Port.1.Port",
                false,
            ),
            (
                &[R, N, ("Container.1.Port.1.Port", "1.5")],
                "Container.1.Port.1.Port",
                false,
            ),
            (&[R, N, ("Container.1.Port", "80")], "Container.1.Port", false),
            (&[R, N, ("Limit.1", "2")], "Limit", false),
            (&[R, N, ("RegionId", "again")], "RegionId", false),
            (&[R, ("Container.1", "flat"), N], "Container.1.Name", false),
            (&[R, N, ("Container..Name", "a")], "Container..Name", false),
            (&[R, N, ("ContainerGroupIds", "[eci-1")], "ContainerGroupIds", false),
        ];
        for (pairs, param, missing) in cases {
            let err = parse(pairs).expect_err(param);
            assert_eq!(err.parameter(), *param, "{pairs:?} gave {err}");
            assert_eq!(
                matches!(err.kind, FlatErrorKind::Missing(_)),
                *missing,
                "{pairs:?} gave {err}"
            );
        }
    }
}
