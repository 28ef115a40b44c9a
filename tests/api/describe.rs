//! DescribeContainerGroups and DescribeContainerGroupStatus: whole bodies, filters and paging.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};
use std::collections::HashSet;

const WEIRD: &str = "a b+c*d~e/f?g=h&i%j 中文 ü '\"!()";

fn full_create_params() -> Vec<(&'static str, &'static str)> {
    vec![
        ("RegionId", "cn-hangzhou"),
        ("ContainerGroupName", "full"),
        ("ZoneId", "cn-hangzhou-h"),
        ("RestartPolicy", "OnFailure"),
        ("ResourceGroupId", "rg-test"),
        ("RamRoleName", "role-a"),
        ("Cpu", "2"),
        ("Memory", "4.0"),
        ("EphemeralStorage", "50"),
        ("Tag.1.Key", "env"),
        ("Tag.1.Value", WEIRD),
        ("Tag.2.Key", "team"),
        ("DnsConfig.NameServer.1", "1.1.1.1"),
        ("DnsConfig.Search.1", "svc.local"),
        ("DnsConfig.Option.1.Name", "ndots"),
        ("DnsConfig.Option.1.Value", "2"),
        ("SecurityContext.Sysctl.1.Name", "net.ipv4.ping_group_range"),
        ("SecurityContext.Sysctl.1.Value", "0 2147483647"),
        ("HostAliase.1.Ip", "10.0.0.9"),
        ("HostAliase.1.Hostname.1", "db"),
        ("HostAliase.1.Hostname.2", "db.local"),
        ("Volume.1.Name", "cfg"),
        ("Volume.1.Type", "ConfigFileVolume"),
        ("Volume.1.ConfigFileVolume.ConfigFileToPath.1.Path", "app.conf"),
        ("Volume.1.ConfigFileVolume.ConfigFileToPath.1.Content", "aGVsbG8="),
        ("Volume.2.Name", "nfs"),
        ("Volume.2.Type", "NFSVolume"),
        ("Volume.2.NFSVolume.Server", "nas.example"),
        ("Volume.2.NFSVolume.Path", "/share"),
        ("Volume.2.NFSVolume.ReadOnly", "True"),
        ("Container.1.Name", "app"),
        ("Container.1.Image", "nginx:1.25"),
        ("Container.1.Cpu", "1.0"),
        ("Container.1.Memory", "2"),
        ("Container.1.ImagePullPolicy", "IfNotPresent"),
        ("Container.1.WorkingDir", "/srv"),
        ("Container.1.Command.1", "sh"),
        ("Container.1.Command.2", "-c"),
        ("Container.1.Command.3", WEIRD),
        ("Container.1.Arg.1", "--flag"),
        ("Container.1.EnvironmentVar.1.Key", "PLAIN"),
        ("Container.1.EnvironmentVar.1.Value", WEIRD),
        ("Container.1.EnvironmentVar.2.Key", "POD_IP"),
        ("Container.1.EnvironmentVar.2.FieldRef.FieldPath", "status.podIP"),
        ("Container.1.Port.1.Port", "80"),
        ("Container.1.Port.1.Protocol", "TCP"),
        ("Container.1.VolumeMount.1.Name", "cfg"),
        ("Container.1.VolumeMount.1.MountPath", "/etc/app"),
        ("Container.1.VolumeMount.1.ReadOnly", "true"),
        ("Container.1.LivenessProbe.HttpGet.Path", "/healthz"),
        ("Container.1.LivenessProbe.HttpGet.Port", "80"),
        ("Container.1.LivenessProbe.PeriodSeconds", "5"),
        ("Container.1.ReadinessProbe.Exec.Command.1", "cat"),
        ("Container.1.ReadinessProbe.Exec.Command.2", "/tmp/ready"),
        ("Container.1.SecurityContext.Capability.Add.1", "NET_ADMIN"),
        ("Container.1.SecurityContext.RunAsUser", "1000"),
        ("Container.1.Tty", "True"),
        ("InitContainer.1.Name", "init"),
        ("InitContainer.1.Image", "busybox"),
        ("InitContainer.1.Command.1", "true"),
    ]
}

fn expected_item(got: &Value) -> Value {
    let text = |k: &str| got[k].as_str().unwrap_or_default().to_owned();
    json!({
        "ContainerGroupId": text("ContainerGroupId"),
        "ContainerGroupName": "full",
        "RegionId": "cn-hangzhou",
        "ZoneId": "cn-hangzhou-h",
        "VpcId": text("VpcId"),
        "VSwitchId": text("VSwitchId"),
        "SecurityGroupId": text("SecurityGroupId"),
        "IntranetIp": "172.16.64.1",
        "EniInstanceId": text("EniInstanceId"),
        // The tenant ENI is the group's own.
        "TenantEniInstanceId": text("EniInstanceId"),
        "TenantEniIp": "172.16.64.1",
        "TenantSecurityGroupId": text("SecurityGroupId"),
        "TenantVSwitchId": text("VSwitchId"),
        "Status": "Running",
        "CreationTime": NOW_TEXT,
        "Cpu": 2.0,
        "Memory": 4.0,
        "ComputeCategory": "general",
        "Discount": 0,
        "RestartPolicy": "OnFailure",
        "SpotStrategy": "NoSpot",
        "EphemeralStorage": 50,
        "RamRoleName": "role-a",
        "ResourceGroupId": "rg-test",
        "Tags": [{"Key": "env", "Value": WEIRD}, {"Key": "team", "Value": ""}],
        "DnsConfig": {"NameServers": ["1.1.1.1"], "Searches": ["svc.local"], "Options": [{"Name": "ndots", "Value": "2"}]},
        "DnsPolicy": "Default",
        "EciSecurityContext": {"Sysctls": [{"Name": "net.ipv4.ping_group_range", "Value": "0 2147483647"}]},
        "HostAliases": [{"Ip": "10.0.0.9", "Hostnames": ["db", "db.local"]}],
        "Volumes": [
            {"Name": "cfg", "Type": "ConfigFileVolume", "ConfigFileVolumeConfigFileToPaths": [{"Path": "app.conf", "Content": "aGVsbG8="}]},
            {"Name": "nfs", "Type": "NFSVolume", "NFSVolumeServer": "nas.example", "NFSVolumePath": "/share", "NFSVolumeReadOnly": true},
        ],
        "Events": [],
        "InitContainers": [{
            "Name": "init", "Image": "busybox", "Cpu": 0.0, "Memory": 0.0, "Gpu": 0,
            "ImagePullPolicy": "IfNotPresent",
            "Command": ["true"], "Args": [], "EnvironmentVars": [], "Ports": [], "VolumeMounts": [],
            "Ready": false, "RestartCount": 0, "PreviousState": {},
            "CurrentState": {"State": "Terminated", "DetailStatus": "", "Reason": "Completed", "Message": "", "ExitCode": 0, "Signal": 0, "StartTime": NOW_TEXT, "FinishTime": NOW_TEXT},
        }],
        "Containers": [{
            "Name": "app", "Image": "nginx:1.25", "Cpu": 1.0, "Memory": 2.0, "Gpu": 0,
            "ImagePullPolicy": "IfNotPresent", "WorkingDir": "/srv",
            "Commands": ["sh", "-c", WEIRD], "Args": ["--flag"],
            "EnvironmentVars": [
                {"Key": "PLAIN", "Value": WEIRD},
                {"Key": "POD_IP", "Value": "", "ValueFrom": {"FieldRef": {"FieldPath": "status.podIP"}}},
            ],
            "Ports": [{"Port": 80, "Protocol": "TCP"}],
            "VolumeMounts": [{"Name": "cfg", "MountPath": "/etc/app", "ReadOnly": true, "MountPropagation": "None"}],
            // Unset thresholds and scheme read back as the documented defaults.
            "LivenessProbe": {"HttpGet": {"Path": "/healthz", "Port": 80, "Scheme": "HTTP"}, "PeriodSeconds": 5,
                "InitialDelaySeconds": 0, "SuccessThreshold": 1, "FailureThreshold": 3, "TimeoutSeconds": 1},
            "ReadinessProbe": {"Execs": ["cat", "/tmp/ready"], "PeriodSeconds": 10,
                "InitialDelaySeconds": 0, "SuccessThreshold": 1, "FailureThreshold": 3, "TimeoutSeconds": 1},
            "SecurityContext": {"Capability": {"Adds": ["NET_ADMIN"]}, "ReadOnlyRootFilesystem": false, "RunAsUser": 1000},
            "Stdin": false, "StdinOnce": false, "Tty": true,
            "Ready": true, "RestartCount": 0, "PreviousState": {},
            "CurrentState": {"State": "Running", "DetailStatus": "", "Reason": "Started", "Message": "", "ExitCode": 0, "Signal": 0, "StartTime": NOW_TEXT},
        }],
    })
}

#[tokio::test]
async fn every_stored_field_reads_back_under_the_response_names() {
    let app = open_app();
    let params = full_create_params();
    let created = rpc_get(&app, "CreateContainerGroup", &params).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let id = created.json()["ContainerGroupId"].as_str().unwrap().to_owned();
    let ids = format!("[\"{id}\"]");
    let reply = rpc_post_form(
        &app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), ("ContainerGroupIds", &ids)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let body = reply.json();
    let item = &body["ContainerGroups"][0];
    for (key, prefix) in [
        ("VpcId", "vpc-bp1"),
        ("VSwitchId", "vsw-bp1"),
        ("SecurityGroupId", "sg-bp1"),
        ("EniInstanceId", "eni-bp1"),
    ] {
        let value = item[key].as_str().unwrap();
        assert!(
            value.starts_with(prefix) && value.len() == prefix.len() - 3 + 20,
            "{key}={value}"
        );
    }
    assert_eq!(
        body,
        json!({"ContainerGroups": [expected_item(item)], "TotalCount": 1, "NextToken": "", "RequestId": reply.request_id_header})
    );
}

#[tokio::test]
async fn with_event_lists_the_start_events() {
    let app = open_app();
    let id = create_group(&app, "ev", &[]).await;
    let reply = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), ("WithEvent", "true")],
    )
    .await;
    let events = reply.json()["ContainerGroups"][0]["Events"].clone();
    let reasons: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["Scheduled", "Pulling", "Pulled", "Created", "Started"]);
    assert_eq!(
        events[4],
        json!({"Count": 1, "Type": "Normal", "Name": id, "Reason": "Started", "Message": "Started container app", "FirstTimestamp": NOW_TEXT, "LastTimestamp": NOW_TEXT})
    );
}

#[tokio::test]
async fn describe_in_xml_repeats_list_elements() {
    let app = open_app();
    let id = create_group(
        &app,
        "xml",
        &[
            ("Container.1.Command.1", "sh"),
            ("Container.1.Command.2", "-c"),
            ("Tag.1.Key", "k"),
            ("Tag.1.Value", "<&>"),
        ],
    )
    .await;
    let reply = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), ("Format", "xml")],
    )
    .await;
    assert_eq!(reply.content_type, "text/xml;charset=utf-8");
    let text = &reply.text;
    assert!(
        text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeContainerGroupsResponse>"),
        "{text}"
    );
    for needle in [
        format!("<ContainerGroupId>{id}</ContainerGroupId>"),
        "<Commands>sh</Commands><Commands>-c</Commands>".to_owned(),
        "<Tags><Key>k</Key><Value>&lt;&amp;&gt;</Value></Tags>".to_owned(),
        format!(
            "<RequestId>{}</RequestId><TotalCount>1</TotalCount></DescribeContainerGroupsResponse>",
            reply.request_id_header
        ),
    ] {
        assert!(text.contains(&needle), "{needle} not in {text}");
    }
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML: {e}: {text}"),
        }
    }
}

#[tokio::test]
async fn paging_walks_every_group_once_newest_first() {
    let app = open_app();
    let mut created = Vec::new();
    for i in 0..45 {
        created.push(create_group(&app, &format!("pg-{i}"), &[]).await);
    }
    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let mut pairs = vec![("RegionId", "cn-hangzhou")];
        if !token.is_empty() {
            pairs.push(("NextToken", token.as_str()));
        }
        let body = rpc_get(&app, "DescribeContainerGroups", &pairs).await.json();
        assert_eq!(body["TotalCount"], 45);
        let page = body["ContainerGroups"].as_array().unwrap();
        assert!(page.len() <= 20);
        seen.extend(page.iter().map(|g| g["ContainerGroupId"].as_str().unwrap().to_owned()));
        pages += 1;
        token = body["NextToken"].as_str().unwrap().to_owned();
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(pages, 3);
    created.reverse();
    assert_eq!(seen, created);
    let small = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), ("Limit", "7")],
    )
    .await
    .json();
    assert_eq!(small["ContainerGroups"].as_array().unwrap().len(), 7);
    let bad = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), ("NextToken", "garbage")],
    )
    .await;
    assert_error(
        &bad,
        400,
        "InvalidParameter",
        "The specified parameter \"NextToken\" is not valid: not a token this service issued",
    );
}

async fn names_matching(app: &axum::Router, filter: &[(&str, &str)]) -> (Vec<String>, u64) {
    let mut pairs = vec![("RegionId", "cn-hangzhou")];
    pairs.extend_from_slice(filter);
    let body = rpc_get(app, "DescribeContainerGroups", &pairs).await.json();
    let names = body["ContainerGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["ContainerGroupName"].as_str().unwrap().to_owned())
        .collect();
    (names, body["TotalCount"].as_u64().unwrap())
}

#[tokio::test]
async fn every_documented_filter_selects() {
    let app = open_app();
    create_group(
        &app,
        "alpha",
        &[
            ("Tag.1.Key", "env"),
            ("Tag.1.Value", "prod"),
            ("ZoneId", "cn-hangzhou-i"),
            ("ResourceGroupId", "rg-1"),
        ],
    )
    .await;
    create_group(
        &app,
        "beta",
        &[
            ("Tag.1.Key", "env"),
            ("Tag.1.Value", "dev"),
            ("VSwitchId", "vsw-x"),
            ("SecurityGroupId", "sg-x"),
            ("ComputeCategory.1", "economy"),
        ],
    )
    .await;
    create_group(&app, "alpha", &[("Tag.1.Key", "team"), ("Tag.1.Value", "")]).await;
    type Pairs = Vec<(&'static str, &'static str)>;
    let cases: Vec<(Pairs, Vec<&str>)> = vec![
        (vec![("ContainerGroupName", "alpha")], vec!["alpha", "alpha"]),
        (vec![("Status", "Running")], vec!["alpha", "beta", "alpha"]),
        (vec![("Status", "Succeeded")], vec![]),
        (vec![("Tag.1.Key", "env")], vec!["beta", "alpha"]),
        (vec![("Tag.1.Key", "env"), ("Tag.1.Value", "prod")], vec!["alpha"]),
        (vec![("Tag.1.Key", "team"), ("Tag.1.Value", "")], vec!["alpha"]),
        (vec![("VSwitchId", "vsw-x")], vec!["beta"]),
        (vec![("SecurityGroupId", "sg-x")], vec!["beta"]),
        (vec![("ZoneId", "cn-hangzhou-i")], vec!["alpha"]),
        (vec![("ResourceGroupId", "rg-1")], vec!["alpha"]),
        (vec![("ComputeCategory", "economy")], vec!["beta"]),
        (
            vec![("ContainerGroupName", "alpha"), ("ZoneId", "cn-hangzhou-i")],
            vec!["alpha"],
        ),
        (vec![("ContainerGroupName", "nobody")], vec![]),
    ];
    for (filter, expected) in cases {
        let (names, total) = names_matching(&app, &filter).await;
        assert_eq!(names, expected, "{filter:?}");
        assert_eq!(total as usize, expected.len(), "{filter:?}");
    }
    let bad = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), ("Status", "Sleeping")],
    )
    .await;
    assert_error(
        &bad,
        400,
        "InvalidParameter",
        "The specified parameter \"Status\" is not valid: not a container group status",
    );
}

#[tokio::test]
async fn ids_filter_is_a_json_array_of_at_most_twenty() {
    let app = open_app();
    let a = create_group(&app, "a1", &[]).await;
    let b = create_group(&app, "b1", &[]).await;
    let ids = format!("[\"{a}\",\"eci-unknown\",\"{b}\",\"{a}\"]");
    let body = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), ("ContainerGroupIds", &ids)],
    )
    .await
    .json();
    let got: Vec<&str> = body["ContainerGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["ContainerGroupId"].as_str().unwrap())
        .collect();
    assert_eq!(got, [a.as_str(), b.as_str()]);
    assert_eq!(body["TotalCount"], 2);
    let many = serde_json::to_string(&vec!["eci-x"; 21]).unwrap();
    let reply = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), ("ContainerGroupIds", &many)],
    )
    .await;
    assert_error(
        &reply,
        400,
        "InvalidParameter",
        "The specified parameter \"ContainerGroupIds\" is not valid: at most 20 ids may be given",
    );
    let junk = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), ("ContainerGroupIds", "eci-1,eci-2")],
    )
    .await;
    assert_eq!(junk.status, StatusCode::BAD_REQUEST);
    assert!(
        junk.json()["Message"]
            .as_str()
            .unwrap()
            .contains("\"ContainerGroupIds\""),
        "{}",
        junk.text
    );
}

#[tokio::test]
async fn status_reads_as_a_kubernetes_pod() {
    let app = open_app();
    let id = create_group(&app, "pod", &[("ZoneId", "cn-hangzhou-b")]).await;
    let reply = rpc_get(&app, "DescribeContainerGroupStatus", &[("RegionId", "cn-hangzhou")]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let body = reply.json();
    let uid = body["Data"][0]["uuid"].as_str().unwrap().to_owned();
    assert_eq!(uid.len(), 36);
    let condition =
        |t: &str| json!({"type": t, "status": "True", "lastTransitionTime": NOW_TEXT, "Reason": "", "Message": ""});
    assert_eq!(
        body,
        json!({
            "RequestId": reply.request_id_header,
            "TotalCount": 1,
            "NextToken": "",
            "Data": [{
                "ContainerGroupId": id,
                "Name": "pod",
                "Namespace": "default",
                "Status": "Running",
                "uuid": uid,
                "Annotations": "{}",
                "PodStatus": {
                    "Phase": "Running",
                    "HostIp": "172.16.0.1",
                    "PodIp": "172.16.0.1",
                    "PodIps": [{"Ip": "172.16.0.1"}],
                    "QosClass": "Guaranteed",
                    "StartTime": NOW_TEXT,
                    "Conditions": [condition("PodScheduled"), condition("Initialized"), condition("ContainersReady"), condition("Ready")],
                    "ContainerStatuses": [{
                        "Name": "app",
                        "Image": "nginx:1.25",
                        "ImageID": format!("nginx:1.25@sha256:{}", "0".repeat(64)),
                        "Ready": true,
                        "Started": true,
                        "RestartCount": 0,
                        "State": {"Running": {"StartedAtstartedAt": NOW_TEXT}},
                        "LastState": {},
                    }],
                },
            }],
        })
    );
    let since = rpc_get(
        &app,
        "DescribeContainerGroupStatus",
        &[("RegionId", "cn-hangzhou"), ("SinceSecond", "60")],
    )
    .await;
    assert_eq!(since.json()["TotalCount"], 1);
    let bad = rpc_get(
        &app,
        "DescribeContainerGroupStatus",
        &[("RegionId", "cn-hangzhou"), ("Limit", "201")],
    )
    .await;
    assert_error(
        &bad,
        400,
        "InvalidParameter",
        "The specified parameter \"Limit\" is not valid: must be between 1 and 200",
    );
    let xml = rpc_get(
        &app,
        "DescribeContainerGroupStatus",
        &[("RegionId", "cn-hangzhou"), ("Format", "XML")],
    )
    .await;
    assert!(
        xml.text
            .contains("<Conditions><Message></Message><Reason></Reason><lastTransitionTime>"),
        "{}",
        xml.text
    );
}

#[tokio::test]
async fn many_creates_get_distinct_ids_and_ips() {
    let app = open_app();
    let mut ids = HashSet::new();
    for i in 0..30 {
        ids.insert(create_group(&app, &format!("u-{i}"), &[]).await);
    }
    let mut ips = HashSet::new();
    let mut token = String::new();
    loop {
        let mut pairs = vec![("RegionId", "cn-hangzhou")];
        if !token.is_empty() {
            pairs.push(("NextToken", token.as_str()));
        }
        let body = rpc_get(&app, "DescribeContainerGroups", &pairs).await.json();
        for g in body["ContainerGroups"].as_array().unwrap() {
            ips.insert(g["IntranetIp"].as_str().unwrap().to_owned());
        }
        token = body["NextToken"].as_str().unwrap().to_owned();
        if token.is_empty() {
            break;
        }
    }
    assert_eq!((ids.len(), ips.len()), (30, 30));
}

/// Items are kept rendered while their group is unchanged; every change must show on the next read.
#[tokio::test]
async fn a_described_group_shows_each_change_on_the_next_read() {
    let app = open_app();
    let id = create_group(&app, "cached", &[("Tag.1.Key", "team"), ("Tag.1.Value", "red")]).await;
    let region = ("RegionId", "cn-hangzhou");
    let ids = format!("[\"{id}\"]");
    let describe = |with_event: &'static str| {
        let (app, ids) = (app.clone(), ids.clone());
        async move {
            let pairs = [region, ("ContainerGroupIds", ids.as_str()), ("WithEvent", with_event)];
            rpc_get(&app, "DescribeContainerGroups", &pairs).await.json()["ContainerGroups"][0].clone()
        }
    };
    let tags = |item: &Value| item["Tags"].as_array().map_or(0, Vec::len);
    let first = describe("false").await;
    assert_eq!(describe("false").await, first, "an unchanged group reads the same");
    assert_eq!(tags(&first), 1);
    let with_events = describe("true").await;
    assert!(first["Events"].as_array().is_none_or(Vec::is_empty), "{first}");
    assert!(!with_events["Events"].as_array().unwrap().is_empty(), "{with_events}");
    rpc_ok(
        &app,
        "TagResources",
        &[
            region,
            ("ResourceType", "ContainerGroup"),
            ("ResourceId.1", &id),
            ("Tag.1.Key", "env"),
            ("Tag.1.Value", "ci"),
        ],
    )
    .await;
    assert_eq!(tags(&describe("false").await), 2, "a tag added after a read shows");
    rpc_ok(
        &app,
        "DeleteContainerGroup",
        &[region, ("ContainerGroupId", &id), ("Force", "true")],
    )
    .await;
    let after = describe("false").await;
    assert_ne!(
        after["Status"], first["Status"],
        "a deleted group does not read as it was: {after}"
    );
}
