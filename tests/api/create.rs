//! CreateContainerGroup and DeleteContainerGroup over the wire.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn create_answers_an_eci_id_and_a_request_id() {
    let app = open_app();
    let reply = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            ("RegionId", "cn-shanghai"),
            ("ContainerGroupName", "web"),
            ("Container.1.Name", "app"),
            ("Container.1.Image", "nginx"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type, "application/json;charset=utf-8");
    let body = reply.json();
    let id = body["ContainerGroupId"].as_str().unwrap();
    assert!(id.starts_with("eci-uf6") && id.len() == 24, "{id}");
    assert_eq!(
        body,
        json!({"ContainerGroupId": id, "RequestId": reply.request_id_header})
    );
    assert_eq!(reply.request_id_header.len(), 36);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_ids() {
    let a = create_group(&open_app(), "same", &[]).await;
    let b = create_group(&open_app(), "same", &[]).await;
    assert_eq!(a, b);
}

#[tokio::test]
async fn create_in_xml() {
    let app = open_app();
    let reply = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            ("Format", "XML"),
            ("RegionId", "cn-hangzhou"),
            ("ContainerGroupName", "web"),
            ("Container.1.Name", "app"),
            ("Container.1.Image", "nginx"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type, "text/xml;charset=utf-8");
    let id = create_group(&open_app(), "web", &[]).await;
    assert_eq!(
        reply.text,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CreateContainerGroupResponse><ContainerGroupId>{id}</ContainerGroupId><RequestId>{}</RequestId></CreateContainerGroupResponse>",
            reply.request_id_header
        )
    );
}

#[tokio::test]
async fn duplicate_container_and_volume_names_are_refused() {
    let app = open_app();
    let reply = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            ("RegionId", "cn-hangzhou"),
            ("ContainerGroupName", "dup"),
            ("Container.1.Name", "a"),
            ("Container.1.Image", "nginx"),
            ("Container.2.Name", "a"),
            ("Container.2.Image", "redis"),
        ],
    )
    .await;
    assert_error(
        &reply,
        400,
        "InvalidParameter.DuplicatedName",
        "The container group include containers with duplicate names.",
    );
    let reply = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            ("RegionId", "cn-hangzhou"),
            ("ContainerGroupName", "dup"),
            ("Container.1.Name", "a"),
            ("Container.1.Image", "nginx"),
            ("Volume.1.Name", "v"),
            ("Volume.1.Type", "EmptyDirVolume"),
            ("Volume.2.Name", "v"),
            ("Volume.2.Type", "EmptyDirVolume"),
        ],
    )
    .await;
    assert_error(
        &reply,
        400,
        "InvalidParameter.DuplicatedVolumeName",
        "The container group includes volumes with duplicate names.",
    );
}

#[tokio::test]
async fn required_parameters_are_named() {
    let app = open_app();
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[
                ("ContainerGroupName", "x1"),
                ("Container.1.Name", "a"),
                ("Container.1.Image", "i"),
            ],
            "RegionId",
        ),
        (
            &[
                ("RegionId", "cn-hangzhou"),
                ("Container.1.Name", "a"),
                ("Container.1.Image", "i"),
            ],
            "ContainerGroupName",
        ),
        (
            &[("RegionId", "cn-hangzhou"), ("ContainerGroupName", "x1")],
            "Container",
        ),
        (
            &[
                ("RegionId", "cn-hangzhou"),
                ("ContainerGroupName", "x1"),
                ("Container.1.Name", "a"),
            ],
            "Container.1.Image",
        ),
    ];
    for (pairs, param) in cases {
        let reply = rpc_get(&app, "CreateContainerGroup", pairs).await;
        let message =
            format!("The input parameter \"{param}\" that is mandatory for processing this request is not supplied.");
        assert_error(&reply, 400, "MissingParameter", &message);
    }
}

#[tokio::test]
async fn client_token_makes_create_idempotent() {
    let app = open_app();
    let first = create_group(&app, "tok", &[("ClientToken", "t-1")]).await;
    let again = create_group(&app, "tok", &[("ClientToken", "t-1")]).await;
    assert_eq!(first, again);
    let reply = rpc_get(&app, "DescribeContainerGroups", &[("RegionId", "cn-hangzhou")]).await;
    assert_eq!(reply.json()["TotalCount"], 1);
    let other = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            ("RegionId", "cn-hangzhou"),
            ("ContainerGroupName", "tok-different"),
            ("Container.1.Name", "app"),
            ("Container.1.Image", "nginx:1.25"),
            ("ClientToken", "t-1"),
        ],
    )
    .await;
    assert_error(
        &other,
        400,
        "IdempotentParameterMismatch",
        "Request uses a client token in a previous request but is not identical to that request.",
    );
}

#[tokio::test]
async fn dry_run_validates_and_changes_nothing() {
    let app = open_app();
    let reply = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            ("RegionId", "cn-hangzhou"),
            ("ContainerGroupName", "dry"),
            ("Container.1.Name", "a"),
            ("Container.1.Image", "nginx"),
            ("DryRun", "true"),
        ],
    )
    .await;
    assert_error(
        &reply,
        400,
        "DryRunOperation",
        "Request validation has been passed with DryRun flag set.",
    );
    let list = rpc_get(&app, "DescribeContainerGroups", &[("RegionId", "cn-hangzhou")]).await;
    assert_eq!(list.json()["TotalCount"], 0);
}

#[tokio::test]
async fn delete_removes_the_group_and_frees_its_ip() {
    let app = open_app();
    let id = create_group(&app, "del", &[]).await;
    let ip_of = |v: &serde_json::Value| v["ContainerGroups"][0]["IntranetIp"].as_str().unwrap().to_owned();
    let before = rpc_get(&app, "DescribeContainerGroups", &[("RegionId", "cn-hangzhou")])
        .await
        .json();
    let reply = rpc_get(
        &app,
        "DeleteContainerGroup",
        &[("RegionId", "cn-hangzhou"), ("ContainerGroupId", &id)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!({"RequestId": reply.request_id_header}));
    let after = rpc_get(&app, "DescribeContainerGroups", &[("RegionId", "cn-hangzhou")])
        .await
        .json();
    assert_eq!(after["TotalCount"], 0);
    let again = rpc_get(
        &app,
        "DeleteContainerGroup",
        &[("RegionId", "cn-hangzhou"), ("ContainerGroupId", &id)],
    )
    .await;
    assert_error(
        &again,
        404,
        "InvalidParameter.NotFound",
        &format!("The specified ContainerGroupId \"{id}\" is not found."),
    );
    // The next group in the same zone gets the address back.
    create_group(&app, "del2", &[]).await;
    let reused = rpc_get(&app, "DescribeContainerGroups", &[("RegionId", "cn-hangzhou")])
        .await
        .json();
    assert_ne!(ip_of(&reused), "");
    assert_eq!(ip_of(&before), "172.16.0.1");
}

#[tokio::test]
async fn delete_with_client_token_is_idempotent() {
    let app = open_app();
    let id = create_group(&app, "del", &[]).await;
    let pairs = [
        ("RegionId", "cn-hangzhou"),
        ("ContainerGroupId", id.as_str()),
        ("ClientToken", "d-1"),
    ];
    assert_eq!(
        rpc_get(&app, "DeleteContainerGroup", &pairs).await.status,
        StatusCode::OK
    );
    assert_eq!(
        rpc_get(&app, "DeleteContainerGroup", &pairs).await.status,
        StatusCode::OK
    );
    let other = [
        ("RegionId", "cn-hangzhou"),
        ("ContainerGroupId", id.as_str()),
        ("ClientToken", "d-2"),
    ];
    assert_eq!(
        rpc_get(&app, "DeleteContainerGroup", &other).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn accounts_never_see_each_other() {
    let app = open_app();
    let mine = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            ("RegionId", "cn-hangzhou"),
            ("ContainerGroupName", "mine"),
            ("Container.1.Name", "a"),
            ("Container.1.Image", "nginx"),
        ],
    )
    .await
    .json()["ContainerGroupId"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = axum::http::Request::get(format!(
        "/?Action=DescribeContainerGroups&Version=2018-08-08&AccessKeyId=OTHER&RegionId=cn-hangzhou&ContainerGroupIds={}",
        enc(&format!("[\"{mine}\"]"))
    ))
    .body(axum::body::Body::empty())
    .unwrap();
    let reply = send(&app, other).await;
    assert_eq!(reply.json()["TotalCount"], 0);
    let delete = axum::http::Request::get(format!(
        "/?Action=DeleteContainerGroup&Version=2018-08-08&AccessKeyId=OTHER&RegionId=cn-hangzhou&ContainerGroupId={mine}"
    ))
    .body(axum::body::Body::empty())
    .unwrap();
    assert_eq!(send(&app, delete).await.status, StatusCode::NOT_FOUND);
    let shanghai = rpc_get(&app, "DescribeContainerGroups", &[("RegionId", "cn-shanghai")]).await;
    assert_eq!(shanghai.json()["TotalCount"], 0);
}

#[tokio::test]
async fn zone_and_vswitch_choices_are_honoured() {
    let app = open_app();
    create_group(&app, "zoned", &[("ZoneId", "cn-hangzhou-k")]).await;
    create_group(
        &app,
        "own-vsw",
        &[
            ("VSwitchId", "vsw-mine"),
            ("SecurityGroupId", "sg-mine"),
            ("ZoneId", "cn-hangzhou-h"),
        ],
    )
    .await;
    let list = rpc_get(&app, "DescribeContainerGroups", &[("RegionId", "cn-hangzhou")])
        .await
        .json();
    let groups = list["ContainerGroups"].as_array().unwrap();
    assert_eq!(groups[0]["VSwitchId"], "vsw-mine");
    assert_eq!(groups[0]["SecurityGroupId"], "sg-mine");
    assert_eq!(groups[0]["ZoneId"], "cn-hangzhou-h");
    assert_eq!(groups[1]["ZoneId"], "cn-hangzhou-k");
    let bad = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            ("RegionId", "cn-hangzhou"),
            ("ContainerGroupName", "bad-zone"),
            ("Container.1.Name", "a"),
            ("Container.1.Image", "nginx"),
            ("ZoneId", "cn-hangzhou-b"),
            ("VSwitchId", "vsw-mine"),
        ],
    )
    .await;
    assert_error(
        &bad,
        403,
        "OperationDenied.VswZoneMisMatch",
        "The specified VSwitchId is not in the specified Zone.",
    );
    let unknown_region = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            ("RegionId", "mars-north-1"),
            ("ContainerGroupName", "x1"),
            ("Container.1.Name", "a"),
            ("Container.1.Image", "nginx"),
        ],
    )
    .await;
    assert_error(
        &unknown_region,
        400,
        "InvalidRegionId",
        "The specified region does not exist.",
    );
}

#[tokio::test]
async fn empty_dir_media_take_the_documented_spellings() {
    let app = open_app();
    for medium in ["memory", "Memory", "LocalRaid0"] {
        let pairs = [
            ("Volume.1.Name", "v"),
            ("Volume.1.Type", "EmptyDirVolume"),
            ("Volume.1.EmptyDirVolume.Medium", medium),
        ];
        create_group(&app, &format!("medium-{}", medium.to_lowercase()), &pairs).await;
    }
    let reply = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            ("RegionId", "cn-hangzhou"),
            ("ContainerGroupName", "bad-medium"),
            ("Container.1.Name", "a"),
            ("Container.1.Image", "nginx"),
            ("Volume.1.Name", "v"),
            ("Volume.1.Type", "EmptyDirVolume"),
            ("Volume.1.EmptyDirVolume.Medium", "disk"),
        ],
    )
    .await;
    assert_eq!(reply.status.as_u16(), 400, "{}", reply.text);
}
