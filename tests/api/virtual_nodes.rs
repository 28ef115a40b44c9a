//! Virtual nodes: placed in the network, described, updated and deleted.

use crate::common::*;
use serde_json::json;

const REGION: (&str, &str) = ("RegionId", "cn-hangzhou");

#[tokio::test]
async fn virtual_nodes_take_an_address_and_give_it_back() {
    let app = open_app();
    let created = rpc_ok(
        &app,
        "CreateVirtualNode",
        &[
            REGION,
            ("VSwitchId", "vsw-vk"),
            ("SecurityGroupId", "sg-vk"),
            ("VirtualNodeName", "vk-1"),
            ("EnablePublicNetwork", "true"),
        ],
    )
    .await;
    let id = created.json()["VirtualNodeId"].as_str().unwrap().to_owned();
    assert!(id.starts_with("vnd-"));
    let listed = rpc_get(&app, "DescribeVirtualNodes", &[REGION]).await.json();
    let node = &listed["VirtualNodes"][0];
    assert_eq!(
        (node["Status"].clone(), node["VirtualNodeName"].clone()),
        (json!("Ready"), json!("vk-1"))
    );
    assert_eq!(node["VirtualNodeVSwitchId"], "vsw-vk");
    assert_eq!(node["VirtualNodeSecurityGroupId"], "sg-vk");
    assert!(node["IntranetIp"]
        .as_str()
        .unwrap()
        .parse::<std::net::Ipv4Addr>()
        .is_ok());
    assert_ne!(node["InternetIp"], "");
    let ids = format!("[\"{id}\"]");
    assert_eq!(
        rpc_get(&app, "DescribeVirtualNodes", &[REGION, ("VirtualNodeIds", &ids)])
            .await
            .json()["TotalCount"],
        1
    );
    assert_eq!(
        rpc_get(&app, "DescribeVirtualNodes", &[REGION, ("Status", "Pending")])
            .await
            .json()["TotalCount"],
        0
    );
    assert_eq!(
        rpc_get(&app, "DescribeVirtualNodes", &[REGION, ("Status", "Gone")])
            .await
            .status
            .as_u16(),
        400
    );
    let renamed = rpc_get(
        &app,
        "UpdateVirtualNode",
        &[REGION, ("VirtualNodeId", &id), ("VirtualNodeName", "vk-2")],
    )
    .await;
    assert_eq!(renamed.status.as_u16(), 200);
    assert_eq!(
        rpc_get(&app, "DescribeVirtualNodes", &[REGION, ("VirtualNodeName", "vk-2")])
            .await
            .json()["TotalCount"],
        1
    );
    assert_eq!(addresses_in_use(&app, None).await, 1);
    assert_eq!(
        rpc_get(&app, "DeleteVirtualNode", &[REGION, ("VirtualNodeId", &id)])
            .await
            .status
            .as_u16(),
        200
    );
    assert_eq!(addresses_in_use(&app, None).await, 0, "the address is free again");
    let gone = rpc_get(&app, "DeleteVirtualNode", &[REGION, ("VirtualNodeId", &id)]).await;
    assert_eq!(gone.status.as_u16(), 404);
    let missing = rpc_get(&app, "CreateVirtualNode", &[REGION, ("VSwitchId", "vsw-vk")]).await;
    assert_eq!(missing.json()["Code"], "MissingParameter");
}
