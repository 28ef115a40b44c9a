//! Account standing, quotas, specs and idempotency under races, through the wire.

use crate::common::*;
use axum::http::StatusCode;

async fn create_as(app: &axum::Router, key: &str, name: &str, extra: &[(&str, &str)]) -> Reply {
    let mut pairs = vec![
        ("AccessKeyId", key),
        ("RegionId", "cn-hangzhou"),
        ("ContainerGroupName", name),
        ("Container.1.Name", "app"),
        ("Container.1.Image", "nginx"),
    ];
    pairs.extend_from_slice(extra);
    let uri = format!("/?Action=CreateContainerGroup&Version=2018-08-08&{}", query_of(&pairs));
    send(
        app,
        axum::http::Request::get(uri).body(axum::body::Body::empty()).unwrap(),
    )
    .await
}

const ACCOUNTS: &str = r#"{"accounts": [
  {"accessKeyId": "AK-QUOTA", "quota": {"containerGroups": 2, "vcpus": 6}},
  {"accessKeyId": "AK-ARREARS", "arrears": true},
  {"accessKeyId": "AK-UNVERIFIED", "realNameVerified": false},
  {"accessKeyId": "AK-CLOSED", "closed": true},
  {"accessKeyId": "AK-BROKE", "insufficientBalance": true},
  {"accessKeyId": "AK-ROLES", "ramRoles": ["role-ok"]},
  {"accessKeyId": "AK-NOPASS", "passRoleAllowed": false},
  {"accessKeyId": "AK-BIG", "cpuMemWhitelist": true}
]}"#;

#[tokio::test]
async fn account_standing_gives_its_codes() {
    let app = app_with_fixtures(ACCOUNTS, false);
    let cases: [(&str, Params, u16, &str); 7] = [
        ("AK-ARREARS", &[], 400, "Account.Arrearage"),
        ("AK-UNVERIFIED", &[], 403, "Forbidden.UserNotRealNameAuthentication"),
        ("AK-CLOSED", &[], 403, "Forbidden.AccountClosed"),
        ("AK-BROKE", &[], 400, "InvalidPaymentMethod.InsufficientBalance"),
        ("AK-ROLES", &[("RamRoleName", "role-other")], 400, "RamRole.NotSupport"),
        (
            "AK-NOPASS",
            &[("RamRoleName", "role-ok")],
            403,
            "InvalidUser.PassRoleForbidden",
        ),
        (
            "AK-ANYONE",
            &[("Cpu", "64"), ("Memory", "128")],
            400,
            "HighCpuMemConfigRequired",
        ),
    ];
    for (key, extra, status, code) in cases {
        let reply = create_as(&app, key, "acct", extra).await;
        assert_eq!(
            (reply.status.as_u16(), reply.json()["Code"].as_str().unwrap_or_default()),
            (status, code),
            "{key}"
        );
    }
    assert_eq!(
        create_as(&app, "AK-ROLES", "ok", &[("RamRoleName", "role-ok")])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        create_as(&app, "AK-BIG", "big", &[("Cpu", "64"), ("Memory", "128")])
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn quotas_refuse_and_list_usage_shows_them() {
    let app = app_with_fixtures(ACCOUNTS, false);
    assert_eq!(
        create_as(&app, "AK-QUOTA", "q1", &[("Cpu", "4"), ("Memory", "8")])
            .await
            .status,
        StatusCode::OK
    );
    let over_cpu = create_as(&app, "AK-QUOTA", "q2", &[("Cpu", "4"), ("Memory", "8")]).await;
    assert_error(&over_cpu, 403, "QuotaExceeded", "vCPU quota exceeded.");
    assert_eq!(
        create_as(&app, "AK-QUOTA", "q3", &[("Cpu", "2"), ("Memory", "4")])
            .await
            .status,
        StatusCode::OK
    );
    let over_count = create_as(&app, "AK-QUOTA", "q4", &[("Cpu", "0.25"), ("Memory", "0.5")]).await;
    assert_error(&over_count, 403, "QuotaExceeded", "ContainerGroup quota exceeded.");
    let uri = "/?Action=ListUsage&Version=2018-08-08&AccessKeyId=AK-QUOTA&RegionId=cn-hangzhou";
    let usage = send(
        &app,
        axum::http::Request::get(uri).body(axum::body::Body::empty()).unwrap(),
    )
    .await
    .json();
    let attributes = &usage["Attributes"];
    assert_eq!(
        (attributes["UsedCpu"].as_f64(), attributes["MaxCpu"].as_f64()),
        (Some(6.0), Some(6.0))
    );
    assert_eq!(attributes["UsedContainerGroupCount"], 2);
}

/// The size Describe shows for a group.
async fn size_of(app: &axum::Router, id: &str) -> (Option<f64>, Option<f64>) {
    let ids = format!("[\"{id}\"]");
    let body = rpc_get(
        app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), ("ContainerGroupIds", &ids)],
    )
    .await
    .json();
    let group = &body["ContainerGroups"][0];
    (group["Cpu"].as_f64(), group["Memory"].as_f64())
}

async fn create_sized(app: &axum::Router, name: &str, extra: Params<'_>) -> Reply {
    let mut pairs = vec![
        ("RegionId", "cn-hangzhou"),
        ("ContainerGroupName", name),
        ("Container.1.Name", "a"),
        ("Container.1.Image", "i"),
    ];
    pairs.extend_from_slice(extra);
    rpc_get(app, "CreateContainerGroup", &pairs).await
}

#[tokio::test]
async fn sizes_round_up_to_a_supported_spec() {
    let app = open_app();
    let id = create_group(&app, "spec", &[("Cpu", "7"), ("Memory", "13")]).await;
    assert_eq!(size_of(&app, &id).await, (Some(8.0), Some(14.0)));
    let summed = create_group(
        &app,
        "sum",
        &[
            ("Container.1.Cpu", "0.5"),
            ("Container.2.Name", "b"),
            ("Container.2.Image", "i"),
            ("Container.2.Cpu", "0.5"),
            ("Container.1.Memory", "1"),
            ("Container.2.Memory", "1.5"),
        ],
    )
    .await;
    assert_eq!(size_of(&app, &summed).await, (Some(1.0), Some(4.0)));
    let too_big = create_sized(&app, "huge", &[("Cpu", "128"), ("Memory", "1024")]).await;
    assert_error(
        &too_big,
        400,
        "InvalidParameter.CPU.Memory",
        "The specified cpu and memory are not allowed",
    );
    let spot = create_sized(
        &app,
        "spot",
        &[("Cpu", "2"), ("Memory", "6"), ("SpotStrategy", "SpotAsPriceGo")],
    )
    .await;
    assert_eq!(spot.json()["Code"], "InvalidSpotCpuMemorySpec");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_creates_with_one_client_token_make_one_group() {
    let app = open_app();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            create_group(&app, "race", &[("ClientToken", "same-token")]).await
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for task in tasks {
        ids.insert(task.await.unwrap());
    }
    assert_eq!(ids.len(), 1);
    let list = rpc_get(&app, "DescribeContainerGroups", &[("RegionId", "cn-hangzhou")])
        .await
        .json();
    assert_eq!(list["TotalCount"], 1);
}
