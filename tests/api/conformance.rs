//! Every operation's answer against the response schema the API metadata declares
//! (`tests/data/response-fields.tsv`, written by `scripts/api-tables`): each declared field present
//! with its declared type, or listed below as documented absent with why; no undeclared field; and no
//! `null` anywhere in any answer.

use crate::common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const TABLE: &str = include_str!("../data/response-fields.tsv");
const REGION: (&str, &str) = ("RegionId", "cn-hangzhou");

/// Declared fields the emulator leaves out of an answer, and why. Keep it short: each row is a
/// departure the compatibility notes list. (An empty object stands for nothing given, such as a
/// probe not set or a container that never restarted, and is not held to its fields.)
#[rustfmt::skip]
const ABSENT: &[(&str, &str, &str)] = &[
    ("DescribeContainerGroups", "ContainerGroups[].Containers[].CurrentState.FinishTime", "a time not reached yet is left out, not written empty: clients parse every time they are given"),
    ("DescribeContainerGroups", "ContainerGroups[].SucceededTime", "a time not reached yet is left out, not written empty"),
    ("DescribeContainerGroups", "ContainerGroups[].FailedTime", "a time not reached yet is left out, not written empty"),
    ("DescribeContainerGroups", "ContainerGroups[].ExpiredTime", "a time not reached yet is left out, not written empty"),
    ("DescribeContainerGroups", "ContainerGroups[].Containers[].LivenessProbe.Execs", "a probe shows only its own kind (here a TCP check)"),
    ("DescribeContainerGroups", "ContainerGroups[].Containers[].LivenessProbe.HttpGet", "a probe shows only its own kind (here a TCP check)"),
    ("DescribeContainerGroups", "ContainerGroups[].Containers[].ReadinessProbe.Execs", "a probe shows only its own kind (here an HTTP check)"),
    ("DescribeContainerGroups", "ContainerGroups[].Containers[].ReadinessProbe.TcpSocket", "a probe shows only its own kind (here an HTTP check)"),
    ("DescribeContainerGroups", "ContainerGroups[].Containers[].LivenessProbe.TcpSocket.Host", "no host was given: the probe checks the group's own address"),
    ("DescribeContainerGroups", "ContainerGroups[].Containers[].SecurityContext.RunAsUser", "none was given: the image's own user runs, which a number would misstate"),
    ("DescribeContainerGroups", "ContainerGroups[].InitContainers[].SecurityContext.RunAsUser", "none was given: the image's own user runs, which a number would misstate"),
    ("DescribeContainerGroups", "ContainerGroups[].Containers[].WorkingDir", "none was given: the image's own"),
    ("DescribeContainerGroups", "ContainerGroups[].InitContainers[].WorkingDir", "none was given: the image's own"),
    ("DescribeContainerGroups", "ContainerGroups[].Containers[].EnvironmentVars[].ValueFrom", "only for a variable taken from a field"),
    ("DescribeContainerGroups", "ContainerGroups[].Containers[].VolumeMounts[].SubPath", "only for a mount of a sub-path"),
    ("DescribeContainerGroups", "ContainerGroups[].InstanceType", "only for a group created with InstanceType"),
    ("DescribeContainerGroups", "ContainerGroups[].RamRoleName", "only for a group created with RamRoleName"),
    ("DescribeContainerGroups", "ContainerGroups[].ResourceGroupId", "only for a group created with ResourceGroupId"),
    ("DescribeContainerGroups", "ContainerGroups[].SpotPriceLimit", "only for a spot group with a price limit"),
    ("DescribeContainerGroupStatus", "Data[].PodStatus.ContainerStatuses[].State.Waiting", "a Kubernetes container state holds only the member for the state it is in"),
    ("DescribeContainerGroupStatus", "Data[].PodStatus.ContainerStatuses[].State.Terminated", "a Kubernetes container state holds only the member for the state it is in"),
    ("DescribeContainerGroupStatus", "Data[].PodStatus.ContainerStatuses[].State.Running", "a Kubernetes container state holds only the member for the state it is in"),
    ("DescribeContainerGroupStatus", "Data[].PodStatus.ContainerStatuses[].LastState.Running", "a Kubernetes container state holds only the member for the state it was in"),
    ("DescribeContainerGroupStatus", "Data[].PodStatus.ContainerStatuses[].LastState.Waiting", "a Kubernetes container state holds only the member for the state it was in"),
    ("DescribeContainerGroups", "ContainerGroups[].InternetIp", "only for a group with an EIP"),
    ("DescribeContainerGroups", "ContainerGroups[].Containers[].SecurityContext", "only for a container created with one: the Terraform provider reads any as a security_context block the configuration must have"),
    ("DescribeContainerGroups", "ContainerGroups[].InitContainers[].SecurityContext", "only for a container created with one, as for containers"),
    ("DescribeContainerGroups", "ContainerGroups[].Containers[].LivenessProbe", "only for a container created with one: the Terraform provider reads any as a liveness_probe block"),
    ("DescribeContainerGroups", "ContainerGroups[].Containers[].ReadinessProbe", "only for a container created with one: the Terraform provider reads any as a readiness_probe block"),
    ("DescribeContainerGroups", "ContainerGroups[].Ipv6Address", "only for a group created with Ipv6AddressCount"),
];

/// Declared fields under these prefixes appear as the item they belong to has them: a volume shows
/// its name and type, then the fields of its own type (`EmptyDirVolume…`, `NFSVolume…`), and of
/// those the ones given.
const ABSENT_UNDER: &[(&str, &str)] = &[("DescribeContainerGroups", "ContainerGroups[].Volumes[].")];

/// Fields every item under an `ABSENT_UNDER` prefix has all the same.
const ALWAYS: &[&str] = &["ContainerGroups[].Volumes[].Name", "ContainerGroups[].Volumes[].Type"];

/// Fields the emulator sends that the metadata does not declare, and why.
const UNDECLARED: &[(&str, &str, &str)] = &[
    (
        "DescribeContainerGroupEvents",
        "NextToken",
        "the operation takes NextToken and Limit, so its answer must carry the token to go on with",
    ),
    (
        "DescribeVirtualNodes",
        "VirtualNodes[].VSwitchId",
        "the Terraform provider reads a node's placement by these names (and plans a replacement without them)",
    ),
    ("DescribeVirtualNodes", "VirtualNodes[].SecurityGroupId", "as VSwitchId"),
    ("DescribeVirtualNodes", "VirtualNodes[].ZoneId", "as VSwitchId"),
    (
        "DescribeContainerGroups",
        "ContainerGroups[].DnsPolicy",
        "the create takes DnsPolicy (Default unless given), and the Terraform provider reads it back",
    ),
];

/// The declared fields of every operation: path (`[]` for an array's items) → type.
fn declared() -> BTreeMap<&'static str, BTreeMap<&'static str, &'static str>> {
    let mut out: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
    for line in TABLE.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let cells: Vec<&str> = line.split('\t').collect();
        if let [action, path, kind] = cells[..] {
            out.entry(action).or_default().insert(path, kind);
        }
    }
    out
}

/// Every field of an answer with the type its JSON value has.
fn fields(value: &Value, path: &str, out: &mut Vec<(String, &'static str)>, nulls: &mut Vec<String>) {
    let join = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    match value {
        Value::Object(map) => {
            for (name, child) in map {
                let child_path = join(name);
                out.push((child_path.clone(), kind_of(child)));
                fields(child, &child_path, out, nulls);
            }
        }
        Value::Array(items) => {
            for item in items {
                let item_path = format!("{path}[]");
                out.push((item_path.clone(), kind_of(item)));
                fields(item, &item_path, out, nulls);
            }
        }
        Value::Null => nulls.push(path.to_owned()),
        _ => {}
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// What is wrong with one answer of `action`.
fn departures(action: &str, answer: &Value, declared: &BTreeMap<&str, &str>) -> Vec<String> {
    let mut found = Vec::new();
    let mut nulls = Vec::new();
    fields(answer, "", &mut found, &mut nulls);
    let mut wrong: Vec<String> = nulls.iter().map(|p| format!("{action}: {p} is null")).collect();
    let present: BTreeSet<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    let empty_objects = empty_objects(answer, "");
    // A declared object without declared fields is a map whose keys the documentation lists in prose.
    let free_form = |path: &str| {
        declared.iter().any(|(d, kind)| {
            *kind == "object"
                && path.starts_with(&format!("{d}."))
                && !declared.keys().any(|k| k.starts_with(&format!("{d}.")))
        })
    };
    for (path, kind) in &found {
        let allowed = UNDECLARED.iter().any(|(a, p, _)| *a == action && p == path);
        match declared.get(path.as_str()) {
            None if allowed || free_form(path) => {}
            None => wrong.push(format!("{action}: {path} is not declared")),
            Some(want) if want != kind => wrong.push(format!("{action}: {path} is {kind}, declared {want}")),
            Some(_) => {}
        }
    }
    for path in declared.keys() {
        let parent = parent_of(path);
        let parent_present = parent.is_empty() || (present.contains(parent) && !empty_objects.contains(parent));
        let excused = ABSENT.iter().any(|(a, p, _)| *a == action && p == path)
            || (!ALWAYS.contains(path)
                && ABSENT_UNDER
                    .iter()
                    .any(|(a, prefix)| *a == action && path.starts_with(prefix)));
        // An array's items are checked field by field; an item itself is not a field.
        if parent_present && !present.contains(path) && !excused && !path.ends_with("[]") {
            wrong.push(format!("{action}: declared {path} is missing"));
        }
    }
    wrong
}

/// The paths of the empty objects in an answer.
fn empty_objects(value: &Value, path: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    match value {
        Value::Object(map) if map.is_empty() && !path.is_empty() => {
            out.insert(path.to_owned());
        }
        Value::Object(map) => {
            for (name, child) in map {
                let child_path = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                out.extend(empty_objects(child, &child_path));
            }
        }
        Value::Array(items) => {
            for item in items {
                out.extend(empty_objects(item, &format!("{path}[]")));
            }
        }
        _ => {}
    }
    out
}

/// The object a field belongs to: `A[].B` for `A[].B.C`, `A` for `A[].B`... as the answer holds it.
fn parent_of(path: &str) -> &str {
    match path.rfind('.') {
        Some(at) => &path[..at],
        None => "",
    }
}

/// Calls the action and answers its JSON, which must be a success.
async fn call(app: &axum::Router, action: &str, pairs: &[(&str, &str)]) -> Value {
    rpc_ok(app, action, pairs).await.json()
}

#[tokio::test]
async fn every_answer_has_the_declared_fields_and_types_and_no_null() {
    let fixtures = r#"{"disks":[{"diskId":"d-conf","zoneId":"cn-hangzhou-b","size":20}]}"#;
    let (app, _clock) =
        app_with_policy_and_fixtures(eci_emulator::lifecycle::machine::PolicyKind::Immediate, Some(fixtures));
    let declared = declared();
    let mut answers: Vec<(&str, Value)> = Vec::new();

    let group = create_full_group(&app).await;
    answers.push(("CreateContainerGroup", group.1.clone()));
    let id = group.0;
    let ids = format!("[\"{id}\"]");
    let g = id.as_str();
    answers.push(("DescribeRegions", call(&app, "DescribeRegions", &[]).await));
    answers.push((
        "DescribeContainerGroups",
        call(
            &app,
            "DescribeContainerGroups",
            &[REGION, ("ContainerGroupIds", &ids), ("WithEvent", "true")],
        )
        .await,
    ));
    answers.push((
        "DescribeContainerGroupStatus",
        call(
            &app,
            "DescribeContainerGroupStatus",
            &[REGION, ("ContainerGroupIds", &ids)],
        )
        .await,
    ));
    answers.push((
        "DescribeContainerGroupEvents",
        call(
            &app,
            "DescribeContainerGroupEvents",
            &[REGION, ("ContainerGroupIds", &ids)],
        )
        .await,
    ));
    answers.push((
        "DescribeContainerGroupMetric",
        call(&app, "DescribeContainerGroupMetric", &[REGION, ("ContainerGroupId", g)]).await,
    ));
    answers.push((
        "DescribeMultiContainerGroupMetric",
        call(
            &app,
            "DescribeMultiContainerGroupMetric",
            &[REGION, ("ContainerGroupIds", &ids)],
        )
        .await,
    ));
    answers.push((
        "DescribeContainerLog",
        call(
            &app,
            "DescribeContainerLog",
            &[REGION, ("ContainerGroupId", g), ("ContainerName", "app")],
        )
        .await,
    ));
    answers.push((
        "DescribeContainerGroupPrice",
        call(
            &app,
            "DescribeContainerGroupPrice",
            &[REGION, ("Cpu", "2"), ("Memory", "4")],
        )
        .await,
    ));
    answers.push((
        "DescribeAvailableResource",
        call(
            &app,
            "DescribeAvailableResource",
            &[
                REGION,
                ("DestinationResource.Category", "InstanceType"),
                ("DestinationResource.Cores", "2"),
                ("DestinationResource.Memory", "4"),
            ],
        )
        .await,
    ));
    answers.push(("ListUsage", call(&app, "ListUsage", &[REGION]).await));
    answers.push((
        "ExecContainerCommand",
        call(
            &app,
            "ExecContainerCommand",
            &[
                REGION,
                ("ContainerGroupId", g),
                ("ContainerName", "app"),
                ("Command", "[\"ls\"]"),
                ("Sync", "true"),
            ],
        )
        .await,
    ));
    let commit = call(
        &app,
        "CommitContainer",
        &[
            REGION,
            ("ContainerGroupId", g),
            ("ContainerName", "app"),
            ("Image.Repository", "registry.example.com/app"),
            ("Image.Tag", "v1"),
        ],
    )
    .await;
    let task = commit["TaskId"].as_str().unwrap_or_default().to_owned();
    answers.push(("CommitContainer", commit));
    answers.push((
        "DescribeCommitContainerTask",
        call(
            &app,
            "DescribeCommitContainerTask",
            &[REGION, ("ContainerGroupId", g), ("TaskId.1", &task)],
        )
        .await,
    ));
    answers.push((
        "CreateInstanceOpsTask",
        call(
            &app,
            "CreateInstanceOpsTask",
            &[
                REGION,
                ("ContainerGroupId", g),
                ("OpsType", "coredump"),
                ("OpsValue", "enable"),
            ],
        )
        .await,
    ));
    answers.push((
        "DescribeInstanceOpsRecords",
        call(
            &app,
            "DescribeInstanceOpsRecords",
            &[REGION, ("ContainerGroupId", g), ("OpsType", "coredump")],
        )
        .await,
    ));
    answers.push((
        "ResizeContainerGroupVolume",
        call(
            &app,
            "ResizeContainerGroupVolume",
            &[
                REGION,
                ("ContainerGroupId", g),
                ("VolumeName", "data"),
                ("NewSize", "40"),
            ],
        )
        .await,
    ));
    answers.push((
        "UpdateContainerGroup",
        call(
            &app,
            "UpdateContainerGroup",
            &[
                REGION,
                ("ContainerGroupId", g),
                ("Tag.1.Key", "stage"),
                ("Tag.1.Value", "two"),
            ],
        )
        .await,
    ));
    answers.push((
        "RestartContainerGroup",
        call(&app, "RestartContainerGroup", &[REGION, ("ContainerGroupId", g)]).await,
    ));
    // After a restart every container has a previous run, and an ended group has ended runs: both
    // shapes are held to the schema too.
    for ids in [ids.clone(), format!("[\"{}\"]", ended_group(&app).await)] {
        let pairs = [REGION, ("ContainerGroupIds", ids.as_str())];
        answers.push((
            "DescribeContainerGroups",
            call(&app, "DescribeContainerGroups", &pairs).await,
        ));
        answers.push((
            "DescribeContainerGroupStatus",
            call(&app, "DescribeContainerGroupStatus", &pairs).await,
        ));
    }
    answers.push((
        "TagResources",
        call(
            &app,
            "TagResources",
            &[
                REGION,
                ("ResourceType", "ContainerGroup"),
                ("ResourceId.1", g),
                ("Tag.1.Key", "env"),
                ("Tag.1.Value", "ci"),
            ],
        )
        .await,
    ));
    answers.push((
        "ListTagResources",
        call(
            &app,
            "ListTagResources",
            &[REGION, ("ResourceType", "ContainerGroup"), ("ResourceId.1", g)],
        )
        .await,
    ));
    answers.push((
        "UntagResources",
        call(
            &app,
            "UntagResources",
            &[
                REGION,
                ("ResourceType", "ContainerGroup"),
                ("ResourceId.1", g),
                ("TagKey.1", "env"),
            ],
        )
        .await,
    ));

    let image_cache = call(
        &app,
        "CreateImageCache",
        &[
            REGION,
            ("ImageCacheName", "cache-one"),
            ("Image.1", "nginx:1.25"),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "a"),
        ],
    )
    .await;
    let cache_id = image_cache["ImageCacheId"].as_str().unwrap_or_default().to_owned();
    answers.push(("CreateImageCache", image_cache));
    answers.push((
        "DescribeImageCaches",
        call(&app, "DescribeImageCaches", &[REGION, ("ImageCacheId", &cache_id)]).await,
    ));
    answers.push((
        "UpdateImageCache",
        call(
            &app,
            "UpdateImageCache",
            &[REGION, ("ImageCacheId", &cache_id), ("RetentionDays", "7")],
        )
        .await,
    ));
    answers.push((
        "DeleteImageCache",
        call(&app, "DeleteImageCache", &[REGION, ("ImageCacheId", &cache_id)]).await,
    ));

    let data_cache = call(
        &app,
        "CreateDataCache",
        &[
            REGION,
            ("Bucket", "models"),
            ("Path", "/llama"),
            ("Name", "weights"),
            ("DataSource.Type", "URL"),
            ("DataSource.Options.url", "https://example.com/w.bin"),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "a"),
        ],
    )
    .await;
    let data_id = data_cache["DataCacheId"].as_str().unwrap_or_default().to_owned();
    answers.push(("CreateDataCache", data_cache));
    answers.push((
        "DescribeDataCaches",
        call(&app, "DescribeDataCaches", &[REGION, ("DataCacheId.1", &data_id)]).await,
    ));
    answers.push((
        "UpdateDataCache",
        call(
            &app,
            "UpdateDataCache",
            &[REGION, ("DataCacheId", &data_id), ("Size", "40")],
        )
        .await,
    ));
    answers.push((
        "CopyDataCache",
        call(
            &app,
            "CopyDataCache",
            &[REGION, ("DataCacheId", &data_id), ("DestinationRegionId", "cn-beijing")],
        )
        .await,
    ));
    answers.push((
        "DeleteDataCache",
        call(&app, "DeleteDataCache", &[REGION, ("DataCacheId", &data_id)]).await,
    ));

    let node = call(
        &app,
        "CreateVirtualNode",
        &[
            REGION,
            ("VSwitchId", "vsw-conf"),
            ("SecurityGroupId", "sg-conf"),
            ("VirtualNodeName", "vk-conf"),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "a"),
        ],
    )
    .await;
    let node_id = node["VirtualNodeId"].as_str().unwrap_or_default().to_owned();
    answers.push(("CreateVirtualNode", node));
    answers.push((
        "DescribeVirtualNodes",
        call(
            &app,
            "DescribeVirtualNodes",
            &[REGION, ("VirtualNodeIds", &format!("[\"{node_id}\"]"))],
        )
        .await,
    ));
    answers.push((
        "UpdateVirtualNode",
        call(
            &app,
            "UpdateVirtualNode",
            &[REGION, ("VirtualNodeId", &node_id), ("VirtualNodeName", "vk-two")],
        )
        .await,
    ));
    answers.push((
        "DeleteVirtualNode",
        call(&app, "DeleteVirtualNode", &[REGION, ("VirtualNodeId", &node_id)]).await,
    ));
    answers.push((
        "DeleteContainerGroup",
        call(&app, "DeleteContainerGroup", &[REGION, ("ContainerGroupId", g)]).await,
    ));

    let called: BTreeSet<&str> = answers.iter().map(|(a, _)| *a).collect();
    let unanswered: Vec<&&str> = declared.keys().filter(|a| !called.contains(**a)).collect();
    assert!(unanswered.is_empty(), "operations not called: {unanswered:?}");
    let wrong: Vec<String> = answers
        .iter()
        .flat_map(|(action, answer)| departures(action, answer, &declared[action]))
        .collect();
    assert!(wrong.is_empty(), "{} departures:\n{}", wrong.len(), wrong.join("\n"));
}

/// A group whose containers ran and ended.
async fn ended_group(app: &axum::Router) -> String {
    let ended = create_group(app, "ended", &[("RestartPolicy", "Never")]).await;
    let set = axum::http::Request::post(format!("/_emulator/container-groups/{ended}/lifecycle"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(r#"{"action":"setStatus","status":"Succeeded"}"#))
        .unwrap();
    assert_eq!(send(app, set).await.status.as_u16(), 200);
    ended
}

/// A group that fills every list an answer can show: two containers with ports, variables, mounts
/// and probes, an init container, volumes of several kinds, tags, DNS and host aliases.
async fn create_full_group(app: &axum::Router) -> (String, Value) {
    let pairs: &[(&str, &str)] = &[
        REGION,
        ("ContainerGroupName", "conformance"),
        ("ZoneId", "cn-hangzhou-b"),
        ("RestartPolicy", "Always"),
        ("Ipv6AddressCount", "1"),
        ("AutoCreateEip", "true"),
        ("Tag.1.Key", "team"),
        ("Tag.1.Value", "a"),
        ("Container.1.Name", "app"),
        ("Container.1.Image", "nginx:1.25"),
        ("Container.1.Cpu", "1"),
        ("Container.1.Memory", "2"),
        ("Container.1.Port.1.Port", "80"),
        ("Container.1.Port.1.Protocol", "TCP"),
        ("Container.1.EnvironmentVar.1.Key", "MODE"),
        ("Container.1.EnvironmentVar.1.Value", "test"),
        ("Container.1.VolumeMount.1.Name", "scratch"),
        ("Container.1.VolumeMount.1.MountPath", "/scratch"),
        ("Container.1.VolumeMount.2.Name", "data"),
        ("Container.1.VolumeMount.2.MountPath", "/data"),
        ("Container.1.LivenessProbe.TcpSocket.Port", "80"),
        ("Container.1.ReadinessProbe.HttpGet.Path", "/ready"),
        ("Container.1.ReadinessProbe.HttpGet.Port", "80"),
        ("Container.1.Command.1", "nginx"),
        ("Container.1.Arg.1", "-g"),
        ("Container.2.Name", "sidecar"),
        ("Container.2.Image", "busybox"),
        ("Container.2.Cpu", "1"),
        ("Container.2.Memory", "2"),
        ("InitContainer.1.Name", "init"),
        ("InitContainer.1.Image", "busybox"),
        ("Volume.1.Name", "scratch"),
        ("Volume.1.Type", "EmptyDirVolume"),
        ("Volume.2.Name", "data"),
        ("Volume.2.Type", "FlexVolume"),
        ("Volume.2.FlexVolume.Driver", "alicloud/disk"),
        ("Volume.2.FlexVolume.Options", "{\"volumeId\":\"d-conf\"}"),
        ("DnsConfig.NameServer.1", "10.0.0.10"),
        ("DnsConfig.Search.1", "svc.local"),
        ("DnsConfig.Option.1.Name", "ndots"),
        ("DnsConfig.Option.1.Value", "2"),
        ("HostAliase.1.Ip", "10.0.0.2"),
        ("HostAliase.1.Hostname.1", "db"),
    ];
    let answer = call(app, "CreateContainerGroup", pairs).await;
    let id = answer["ContainerGroupId"].as_str().unwrap_or_default().to_owned();
    (id, answer)
}
