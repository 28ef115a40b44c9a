//! Walks the numeric-parameter table (`fixtures/numeric-params.tsv`, from the API metadata): for every
//! numeric parameter of every operation, a value just below its minimum and just above its maximum is
//! refused with a 400 naming the parameter, and the bounds themselves are not refused for range.

use crate::common::*;
use eci_emulator::validate::{bounds, Bound};

fn shown(bound: &Bound, value: f64) -> String {
    if bound.integer {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

#[tokio::test]
async fn every_numeric_parameter_refuses_values_outside_its_documented_range() {
    let app = open_app();
    let mut rows = 0;
    for (action, table) in bounds() {
        for bound in table {
            rows += 1;
            let param = bound.param.replace(".N.", ".1.").replace(".N", ".1");
            let step = if bound.integer { 1.0 } else { 0.5 };
            let mut outside = vec![bound.min - step];
            outside.extend(bound.max.filter(|m| *m < 9.0e18).map(|m| m + step));
            for value in outside {
                let text = shown(bound, value);
                let reply = rpc_get(&app, action, &[("RegionId", "cn-hangzhou"), (&param, &text)]).await;
                let body = reply.json();
                assert_eq!(reply.status.as_u16(), 400, "{action} {param}={text}: {body}");
                assert_eq!(body["Code"], "InvalidParameter", "{action} {param}={text}: {body}");
                let message = body["Message"].as_str().unwrap_or_default();
                assert!(
                    message.contains(&format!("\"{param}\" is not valid: must be")),
                    "{action} {param}={text}: {message}"
                );
            }
            for value in [Some(bound.min), bound.max] {
                let Some(value) = value else { continue };
                let text = shown(bound, value);
                let reply = rpc_get(&app, action, &[("RegionId", "cn-hangzhou"), (&param, &text)]).await;
                let range_refusal = format!("\"{param}\" is not valid: must be between");
                let at_least = format!("\"{param}\" is not valid: must be at least");
                assert!(
                    !reply.text.contains(&range_refusal) && !reply.text.contains(&at_least),
                    "{action} {param}={text} is within range: {}",
                    reply.text
                );
            }
        }
    }
    assert!(rows > 100, "the table has every numeric parameter: {rows}");
}

#[tokio::test]
async fn negative_resources_are_refused_where_they_were_taken_before() {
    let app = open_app();
    for (action, pairs) in [
        (
            "CreateContainerGroup",
            vec![
                ("Container.1.Name", "a"),
                ("Container.1.Image", "nginx"),
                ("Container.1.Cpu", "-2"),
            ],
        ),
        (
            "CreateContainerGroup",
            vec![
                ("Container.1.Name", "a"),
                ("Container.1.Image", "nginx"),
                ("Cpu", "-1"),
                ("Memory", "2"),
            ],
        ),
        (
            "CreateContainerGroup",
            vec![
                ("Container.1.Name", "a"),
                ("Container.1.Image", "nginx"),
                ("Cpu", "1"),
                ("Memory", "-4"),
            ],
        ),
        ("DescribeContainerGroupPrice", vec![("Cpu", "-1"), ("Memory", "2")]),
    ] {
        let mut all = vec![("RegionId", "cn-hangzhou"), ("ContainerGroupName", "neg")];
        all.extend(pairs);
        let reply = rpc_get(&app, action, &all).await;
        assert_eq!(
            (reply.status.as_u16(), reply.json()["Code"].as_str()),
            (400, Some("InvalidParameter")),
            "{action}: {}",
            reply.text
        );
    }
}
