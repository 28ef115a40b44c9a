//! Gateway-level errors: unknown actions, versions, formats and malformed parameters.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};

#[tokio::test]
async fn unknown_action_is_404() {
    let reply = rpc_get(&open_app(), "CreateDatabase", &[("RegionId", "cn-hangzhou")]).await;
    assert_error(
        &reply,
        404,
        "InvalidAction.NotFound",
        "Specified api is not found, please check your url and method.",
    );
}

#[tokio::test]
async fn only_the_served_products_versions_are_valid_and_each_has_only_its_own_actions() {
    let app = open_app();
    let reply = send(
        &app,
        Request::get("/?Action=DescribeContainerGroups&Version=2019-01-01&RegionId=cn-hangzhou")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_error(
        &reply,
        400,
        "InvalidVersion",
        "Specified parameter Version is not valid.",
    );
    let reply = send(
        &app,
        Request::get("/?Action=DescribeContainerGroups&Version=2014-05-26&RegionId=cn-hangzhou")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 404, "{}", reply.text);
    let body = reply.json();
    assert_eq!(
        (&body["Code"], &body["HostId"]),
        (&"InvalidAction.NotFound".into(), &"ecs.aliyuncs.com".into()),
        "ECS answers for its own version"
    );
    let reply = send(
        &app,
        Request::get("/?Action=DescribeContainerGroups&RegionId=cn-hangzhou")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_error(
        &reply,
        400,
        "MissingParameter",
        "The input parameter \"Version\" that is mandatory for processing this request is not supplied.",
    );
}

#[tokio::test]
async fn errors_in_xml() {
    let reply = rpc_get(&open_app(), "DescribeContainerGroups", &[("Format", "XML")]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.content_type, "text/xml;charset=utf-8");
    let rid = &reply.request_id_header;
    assert_eq!(
        reply.text,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>MissingParameter</Code><HostId>eci.aliyuncs.com</HostId>\
             <Message>The input parameter \"RegionId\" that is mandatory for processing this request is not supplied.</Message>\
             <Recommend>https://api.aliyun.com/troubleshoot?q=MissingParameter&amp;product=Eci&amp;requestId={rid}</Recommend>\
             <RequestId>{rid}</RequestId></Error>"
        )
    );
}

#[tokio::test]
async fn format_accepts_json_and_xml_in_any_case() {
    let app = open_app();
    for (format, content_type) in [
        ("json", "application/json;charset=utf-8"),
        ("JSON", "application/json;charset=utf-8"),
        ("xml", "text/xml;charset=utf-8"),
        ("Xml", "text/xml;charset=utf-8"),
    ] {
        let reply = rpc_get(
            &app,
            "DescribeContainerGroups",
            &[("RegionId", "cn-hangzhou"), ("Format", format)],
        )
        .await;
        assert_eq!(
            (reply.status, reply.content_type.as_str()),
            (StatusCode::OK, content_type),
            "{format}"
        );
    }
    let reply = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), ("Format", "yaml")],
    )
    .await;
    assert_error(
        &reply,
        400,
        "InvalidParameter",
        "The specified parameter \"Format\" is not valid: expected JSON or XML",
    );
}

#[tokio::test]
async fn malformed_parameters_are_400_naming_the_parameter() {
    let app = open_app();
    let base = [
        ("RegionId", "cn-hangzhou"),
        ("ContainerGroupName", "bad"),
        ("Container.1.Name", "a"),
        ("Container.1.Image", "i"),
    ];
    let cases: [(&[(&str, &str)], &str); 8] = [
        (&[("Container.x.Image", "i")], "Container.x"),
        (&[("Container.0.Image", "i")], "Container.0"),
        (&[("Container.3.Name", "b")], "Container.3"),
        (&[("Container.99999999999.Name", "b")], "Container.99999999999"),
        (&[("Container.1.Cpu", "two")], "Container.1.Cpu"),
        (&[("Container.1.Tty", "yes")], "Container.1.Tty"),
        (&[("Container.1.Port.1.Port", "1e99")], "Container.1.Port.1.Port"),
        (&[("DryRun", "maybe")], "DryRun"),
    ];
    for (extra, param) in cases {
        let mut pairs = base.to_vec();
        pairs.extend_from_slice(extra);
        let reply = rpc_get(&app, "CreateContainerGroup", &pairs).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{param}: {}", reply.text);
        let body = reply.json();
        assert_eq!(body["Code"], "InvalidParameter", "{param}");
        let message = body["Message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("The specified parameter \"{param}\" is not valid")),
            "{param}: {message}"
        );
    }
    let mut dup = base.to_vec();
    dup.push(("RegionId", "cn-shanghai"));
    let reply = rpc_get(&app, "CreateContainerGroup", &dup).await;
    assert_error(
        &reply,
        400,
        "InvalidParameter",
        "The specified parameter \"RegionId\" is not valid: the parameter is given more than once",
    );
}

#[tokio::test]
async fn booleans_and_numbers_in_every_spelling() {
    let app = open_app();
    for (cpu, tty) in [
        ("2", "true"),
        ("2.0", "True"),
        ("0.25", "TRUE"),
        ("1", "false"),
        ("1.5", "False"),
    ] {
        let reply = rpc_get(
            &app,
            "CreateContainerGroup",
            &[
                ("RegionId", "cn-hangzhou"),
                ("ContainerGroupName", "num"),
                ("Container.1.Name", "a"),
                ("Container.1.Image", "i"),
                ("Container.1.Cpu", cpu),
                ("Container.1.Tty", tty),
                ("EphemeralStorage", "20.0"),
            ],
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{cpu} {tty}: {}", reply.text);
    }
}

#[tokio::test]
async fn bytes_that_are_not_utf8_are_a_clean_400() {
    let app = open_app();
    let reply = send(
        &app,
        Request::get("/?Action=DescribeContainerGroups&Version=2018-08-08&RegionId=%FF%FE")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_error(
        &reply,
        400,
        "InvalidParameter",
        "The specified parameter \"query string\" is not valid: the text is not valid UTF-8",
    );
    let form = Request::post("/?Action=DescribeContainerGroups&Version=2018-08-08")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(vec![b'R', b'=', 0xC3, 0x28]))
        .unwrap();
    let reply = send(&app, form).await;
    assert_error(
        &reply,
        400,
        "InvalidParameter",
        "The specified parameter \"request body\" is not valid: the text is not valid UTF-8",
    );
}

#[tokio::test]
async fn other_methods_and_paths_get_api_errors() {
    let app = open_app();
    let reply = send(
        &app,
        Request::delete("/?Action=DescribeContainerGroups&Version=2018-08-08")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json()["Code"], "InvalidAction.NotFound");
    let reply = send(&app, Request::get("/elsewhere").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json()["Code"], "InvalidAction.NotFound");
}

#[tokio::test]
async fn oversized_bodies_are_refused_cleanly() {
    let app = eci_emulator::app(
        eci_emulator::AppState::new(eci_emulator::server::AppOptions {
            max_body_bytes: 1024,
            ..Default::default()
        })
        .unwrap(),
    );
    let body = format!("RegionId=cn-hangzhou&Pad={}", "x".repeat(2048));
    let request = Request::post("/?Action=DescribeContainerGroups&Version=2018-08-08")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let reply = send(&app, request).await;
    assert_error(
        &reply,
        413,
        "InvalidParameter.LengthExceeded",
        "The request body exceeds 1024 bytes.",
    );
}
