//! Walks the CreateContainerGroup field-rule table: for every row, values just inside each bound are
//! accepted and values just outside are refused with a 400 naming the parameter.

use crate::common::*;
use base64::Engine;
use eci_emulator::ops::eci::container_group::rules::CREATE_FIELD_RULES;
use eci_emulator::validate::{Check, FieldRule};
use std::collections::BTreeMap;

type Pairs = BTreeMap<String, String>;

/// A disk the table's `DiskVolume` rows mount.
const TABLE_DISK: &str = "d-table";

fn base() -> Pairs {
    [
        ("RegionId", "cn-hangzhou"),
        ("ContainerGroupName", "table"),
        ("Container.1.Name", "app"),
        ("Container.1.Image", "nginx"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn put(pairs: &mut Pairs, key: &str, value: &str) {
    pairs.insert(key.to_owned(), value.to_owned());
}

/// The sibling parameters a row's parameter needs to be valid on its own.
fn context(param: &str) -> Pairs {
    let mut pairs = base();
    if param.starts_with("InitContainer") {
        put(&mut pairs, "InitContainer.1.Name", "init");
        put(&mut pairs, "InitContainer.1.Image", "busybox");
    }
    if let Some((owner, _)) = param.split_once(".EnvironmentVar.1.") {
        put(&mut pairs, &format!("{owner}.EnvironmentVar.1.Key"), "K");
    }
    if let Some((owner, _)) = param.split_once(".Port.1.") {
        put(&mut pairs, &format!("{owner}.Port.1.Port"), "80");
    }
    if let Some((owner, _)) = param.split_once(".VolumeMount.1.") {
        put(&mut pairs, "Volume.1.Name", "v");
        put(&mut pairs, "Volume.1.Type", "EmptyDirVolume");
        put(&mut pairs, &format!("{owner}.VolumeMount.1.Name"), "v");
        put(&mut pairs, &format!("{owner}.VolumeMount.1.MountPath"), "/m");
    }
    if let Some(at) = param.find("Probe.") {
        let probe = &param[..at + "Probe".len()];
        match () {
            _ if param.contains(".HttpGet.") => put(&mut pairs, &format!("{probe}.HttpGet.Path"), "/"),
            _ if param.contains(".Exec.") => put(&mut pairs, &format!("{probe}.Exec.Command.1"), "true"),
            _ => put(&mut pairs, &format!("{probe}.TcpSocket.Port"), "80"),
        }
    }
    if param.starts_with("Volume.1.") {
        put(&mut pairs, "Volume.1.Name", "v");
        let kind = ["ConfigFileVolume", "FlexVolume", "HostPathVolume", "NFSVolume"]
            .into_iter()
            .find(|k| param.contains(&format!(".{k}.")))
            .unwrap_or("EmptyDirVolume");
        put(&mut pairs, "Volume.1.Type", kind);
        put(&mut pairs, "Volume.1.ConfigFileVolume.ConfigFileToPath.1.Path", "p");
        put(&mut pairs, "Volume.1.FlexVolume.Driver", "alicloud/nas");
        put(&mut pairs, "Volume.1.HostPathVolume.Path", "/h");
        put(&mut pairs, "Volume.1.NFSVolume.Server", "nas");
        put(&mut pairs, "Volume.1.NFSVolume.Path", "/share");
        put(&mut pairs, "Volume.1.DiskVolume.DiskId", TABLE_DISK);
    }
    if param.starts_with("Tag.1.") {
        put(&mut pairs, "Tag.1.Key", "k");
    }
    if param == "SpotStrategy" {
        put(&mut pairs, "SpotPriceLimit", "0.5");
    }
    pairs
}

/// Entries of a list parameter; object lists get the fields an entry needs.
fn list_entries(param: &str, count: usize) -> Vec<(String, String)> {
    let last = param.rsplit('.').next().unwrap_or(param);
    let fields: &[(&str, &str)] = match last {
        "Container" | "InitContainer" => &[("Name", "c"), ("Image", "nginx")],
        "Volume" => &[("Name", "v"), ("Type", "EmptyDirVolume")],
        "Tag" => &[("Key", "k")],
        "Option" => &[("Name", "o")],
        "ImageRegistryCredential" => &[("Server", "s")],
        "AcrRegistryInfo" => &[("InstanceId", "a")],
        _ => &[],
    };
    let mut out = Vec::new();
    for i in 1..=count {
        if fields.is_empty() {
            let value = if last == "ComputeCategory" {
                ["economy", "general"][i % 2]
            } else {
                "x"
            };
            out.push((format!("{param}.{i}"), value.to_owned()));
        }
        for (field, value) in fields {
            let value = if *field == "Image" || *field == "Type" {
                value.to_string()
            } else {
                format!("{value}{i}")
            };
            out.push((format!("{param}.{i}.{field}"), value));
        }
    }
    out
}

enum Sample {
    Value(String),
    List(usize),
    Absent,
}

fn samples(check: &Check) -> (Vec<Sample>, Vec<Sample>) {
    use Sample::*;
    let text = |s: &str| Value(s.to_owned());
    match check {
        Check::Len(min, max) => {
            let mut inside = vec![Value("a".repeat(*max))];
            let mut outside = vec![Value("a".repeat(max + 1))];
            if *min > 0 {
                inside.push(Value("a".repeat(*min)));
            }
            if *min > 1 {
                outside.push(Value("a".repeat(min - 1)));
            }
            (inside, outside)
        }
        Check::Range(min, max) => {
            let mut outside = Vec::new();
            if *min > i64::MIN {
                outside.push(Value((min - 1).to_string()));
            }
            if *max < i64::MAX {
                outside.push(Value((max + 1).to_string()));
            }
            (vec![Value(min.to_string()), Value(max.to_string())], outside)
        }
        Check::OneOf(values) => (values.iter().map(|v| text(v)).collect(), vec![text("NotAValue")]),
        Check::MaxItems(n) => (vec![List(*n)], vec![List(n + 1)]),
        Check::Ascii => (vec![text("abc")], vec![text("é")]),
        Check::NoPrefix(prefixes) => (
            vec![Value(format!("x{}", prefixes[0]))],
            prefixes.iter().map(|p| Value(format!("{p}x"))).collect(),
        ),
        Check::NoSubstring(parts) => (
            vec![text("plain")],
            parts.iter().map(|p| Value(format!("a{p}b"))).collect(),
        ),
        Check::Pattern(p) => (
            p.valid.iter().map(|v| text(v)).collect(),
            p.invalid.iter().map(|v| text(v)).collect(),
        ),
        Check::Base64Max(max) => {
            let encode = |n: usize| base64::engine::general_purpose::STANDARD.encode(vec![b'x'; n]);
            (
                vec![Value(encode(*max))],
                vec![Value(encode(max + 1)), text("not base64!")],
            )
        }
        Check::MaxDecimals(d) => (
            vec![Value(format!("0.{}", "1".repeat(*d)))],
            vec![Value(format!("0.{}", "1".repeat(d + 1)))],
        ),
    }
}

fn request_with(param: &str, sample: &Sample) -> Pairs {
    let mut pairs = context(param);
    match sample {
        Sample::Value(v) => put(&mut pairs, param, v),
        Sample::Absent => {
            pairs.retain(|k, _| k != param && !k.starts_with(&format!("{param}.")));
            // An unknown sibling keeps the parent entry present (unknown parameters are ignored).
            if let Some((parent, _)) = param.rsplit_once('.') {
                put(&mut pairs, &format!("{parent}.UnknownSibling"), "x");
            }
        }
        Sample::List(n) => {
            pairs.retain(|k, _| !k.starts_with(&format!("{param}.")));
            pairs.extend(list_entries(param, *n));
        }
    }
    pairs
}

async fn call(pairs: &Pairs) -> Reply {
    let list: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let fixtures = format!(r#"{{"disks": [{{"diskId": "{TABLE_DISK}", "zoneId": "cn-hangzhou-b", "size": 40}}]}}"#);
    rpc_get(&app_with_fixtures(&fixtures, false), "CreateContainerGroup", &list).await
}

fn describe(sample: &Sample) -> String {
    match sample {
        Sample::Value(v) if v.len() > 40 => format!("{}… ({} chars)", &v[..20], v.chars().count()),
        Sample::Value(v) => format!("{v:?}"),
        Sample::List(n) => format!("{n} entries"),
        Sample::Absent => "absent".into(),
    }
}

#[tokio::test]
async fn every_row_accepts_just_inside_and_refuses_just_outside() {
    let rows: Vec<&FieldRule> = CREATE_FIELD_RULES.rules().collect();
    assert!(rows.len() > 100, "the table has {} rows", rows.len());
    let mut checked = 0;
    for rule in rows {
        let param: String = rule
            .param
            .split('.')
            .map(|s| if s == "N" { "1" } else { s })
            .collect::<Vec<_>>()
            .join(".");
        let mut cases: Vec<(Sample, bool)> = Vec::new();
        for check in rule.checks {
            let (inside, outside) = samples(check);
            cases.extend(inside.into_iter().map(|s| (s, true)));
            cases.extend(outside.into_iter().map(|s| (s, false)));
        }
        if rule.required {
            cases.push((Sample::Absent, false));
        }
        for (sample, accepted) in cases {
            let pairs = request_with(&param, &sample);
            let reply = call(&pairs).await;
            let what = format!("{param} = {}", describe(&sample));
            if accepted {
                assert_eq!(reply.status.as_u16(), 200, "{what}: {}", reply.text);
            } else {
                assert_eq!(reply.status.as_u16(), 400, "{what}: {}", reply.text);
                let body = reply.json();
                let code = body["Code"].as_str().unwrap_or_default();
                assert!(
                    code == "InvalidParameter" || code == "MissingParameter",
                    "{what}: {}",
                    reply.text
                );
                let named = format!("\"{param}\"");
                assert!(
                    body["Message"].as_str().unwrap_or_default().contains(&named),
                    "{what}: {}",
                    reply.text
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 250, "only {checked} cases");
}
