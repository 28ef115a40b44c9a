//! Placement, IP allocation, security groups, EIPs.

use super::*;

fn hangzhou() -> &'static RegionInfo {
    region("cn-hangzhou").unwrap()
}

fn net() -> RegionNetwork {
    RegionNetwork::default_for(hangzhou(), &IdGenerator::new(Some(1)))
}

#[test]
fn fixture_has_every_documented_region_with_zones() {
    assert_eq!(regions().len(), 35);
    assert!(regions().iter().all(|r| !r.zones.is_empty() && r.id_code.len() == 3));
    assert_eq!(region("mars-1").unwrap_err().code(), "InvalidRegionId");
    assert_eq!(region_of_zone("cn-hangzhou-k").unwrap().region_id, "cn-hangzhou");
}

#[test]
fn default_placement_takes_first_zone_and_its_first_address() {
    let mut net = net();
    let p = net.place(&PlacementRequest::default(), false).unwrap();
    assert_eq!(p.zone_id, "cn-hangzhou-b");
    assert_eq!(p.ip, Ipv4Addr::new(172, 16, 0, 1));
    assert_eq!(p.security_group_id, net.default_security_group_id());
    let q = net
        .place(
            &PlacementRequest {
                zone_id: Some("cn-hangzhou-k"),
                ..Default::default()
            },
            false,
        )
        .unwrap();
    assert_eq!(q.zone_id, "cn-hangzhou-k");
    assert!(net.vswitch(&q.vswitch_id).unwrap().cidr_block.contains(&q.ip));
}

#[test]
fn unknown_ids_are_registered_unless_strict() {
    let mut net = net();
    let req = PlacementRequest {
        zone_id: Some("cn-hangzhou-h"),
        vswitch_ids: vec!["vsw-mine"],
        security_group_id: Some("sg-mine"),
        private_ip: None,
        account: None,
        making: None,
    };
    let p = net.place(&req, false).unwrap();
    assert_eq!(
        (p.zone_id.as_str(), p.vswitch_id.as_str(), p.security_group_id.as_str()),
        ("cn-hangzhou-h", "vsw-mine", "sg-mine")
    );
    assert_eq!(net.security_group("sg-mine").unwrap().vpc_id, net.default_vpc_id);
    let strict = PlacementRequest {
        vswitch_ids: vec!["vsw-other"],
        ..Default::default()
    };
    assert_eq!(
        net.place(&strict, true).unwrap_err().code(),
        "InvalidVSwitchId.NotFound"
    );
    let strict_sg = PlacementRequest {
        security_group_id: Some("sg-other"),
        ..Default::default()
    };
    assert_eq!(
        net.place(&strict_sg, true).unwrap_err().code(),
        "InvalidSecurityGroupId.NotFound"
    );
    let wrong = PlacementRequest {
        zone_id: Some("cn-hangzhou-b"),
        vswitch_ids: vec!["vsw-mine"],
        ..Default::default()
    };
    assert_eq!(
        net.place(&wrong, false).unwrap_err().code(),
        "OperationDenied.VswZoneMisMatch"
    );
    let bad_zone = PlacementRequest {
        zone_id: Some("cn-shanghai-a"),
        ..Default::default()
    };
    assert_eq!(net.place(&bad_zone, false).unwrap_err().code(), "Zone.NotOnSale");
}

#[test]
fn a_security_group_of_another_vpc_is_refused() {
    let mut net = net();
    net.vpcs
        .insert("vpc-2".into(), Vpc::declared("vpc-2", "10.9.0.0/16".parse().unwrap()));
    net.add_vswitch(declared("vsw-2", "vpc-2", "10.9.1.0/24"));
    net.add_security_group("sg-2", "vpc-2");
    let ok = net.place(
        &PlacementRequest {
            vswitch_ids: vec!["vsw-2"],
            security_group_id: Some("sg-2"),
            ..Default::default()
        },
        true,
    );
    assert_eq!(ok.unwrap().ip, Ipv4Addr::new(10, 9, 1, 1));
    let default_sg = net
        .place(
            &PlacementRequest {
                vswitch_ids: vec!["vsw-2"],
                ..Default::default()
            },
            true,
        )
        .unwrap();
    assert_eq!(
        net.security_group(&default_sg.security_group_id).unwrap().vpc_id,
        "vpc-2"
    );
    let sg = net.default_security_group_id().to_owned();
    let mismatch = PlacementRequest {
        vswitch_ids: vec!["vsw-2"],
        security_group_id: Some(&sg),
        ..Default::default()
    };
    assert_eq!(
        net.place(&mismatch, true).unwrap_err().code(),
        "OperationDenied.SecurityGroupMisMatch"
    );
}

#[test]
fn a_full_vswitch_falls_through_to_the_next_and_then_refuses() {
    let mut net = net();
    let vpc = net.default_vpc_id.clone();
    net.add_vswitch(declared("vsw-tiny", &vpc, "172.31.0.0/29"));
    let b = net
        .v_switches
        .iter()
        .find(|v| v.zone_id == "cn-hangzhou-e")
        .unwrap()
        .v_switch_id
        .clone();
    let req = PlacementRequest {
        vswitch_ids: vec!["vsw-tiny", &b],
        ..Default::default()
    };
    let zones: Vec<String> = (0..6).map(|_| net.place(&req, true).unwrap().zone_id).collect();
    assert_eq!(
        zones,
        [
            "cn-hangzhou-b",
            "cn-hangzhou-b",
            "cn-hangzhou-b",
            "cn-hangzhou-b",
            "cn-hangzhou-e",
            "cn-hangzhou-e"
        ]
    );
    let only_tiny = PlacementRequest {
        vswitch_ids: vec!["vsw-tiny"],
        ..Default::default()
    };
    assert_eq!(
        net.place(&only_tiny, true).unwrap_err().code(),
        "InvalidVSwitchId.IpNotEnough"
    );
    let held = Placement {
        zone_id: "cn-hangzhou-b".into(),
        vswitch_id: "vsw-tiny".into(),
        vpc_id: vpc.clone(),
        security_group_id: net.default_security_group_id().to_owned(),
        ip: Ipv4Addr::new(172, 31, 0, 3),
    };
    net.give_back(&held);
    assert_eq!(net.place(&only_tiny, true).unwrap().ip, Ipv4Addr::new(172, 31, 0, 3));
}

#[test]
fn private_ip_must_be_inside_and_free() {
    let mut net = net();
    let ip = Ipv4Addr::new(172, 16, 0, 50);
    let req = PlacementRequest {
        private_ip: Some(ip),
        ..Default::default()
    };
    let p = net.place(&req, false).unwrap();
    assert_eq!((p.ip, p.zone_id.as_str()), (ip, "cn-hangzhou-b"));
    assert_eq!(
        net.place(&req, false).unwrap_err().code(),
        "PrivateIpAddress.Already.InUse"
    );
    let outside = PlacementRequest {
        private_ip: Some(Ipv4Addr::new(10, 0, 0, 1)),
        ..Default::default()
    };
    assert!(net
        .place(&outside, false)
        .unwrap_err()
        .message
        .contains("\"PrivateIpAddress\""));
    let reserved = PlacementRequest {
        private_ip: Some(Ipv4Addr::new(172, 16, 0, 0)),
        ..Default::default()
    };
    assert!(net.place(&reserved, false).unwrap_err().message.contains("reserved"));
}

#[test]
fn eips_are_created_bound_and_released() {
    let mut net = net();
    let ids = IdGenerator::new(Some(2));
    let auto = net.create_eip("eci-1", &ids).unwrap();
    assert!(auto.allocation_id.starts_with("eip-bp1"));
    assert_eq!(auto.ip_address, Ipv4Addr::new(47, 96, 0, 1));
    net.declare_eip(Eip::declared("eip-mine", Ipv4Addr::new(47, 1, 1, 1), None, false))
        .unwrap();
    assert_eq!(net.bind_eip("eip-mine", "eci-2").unwrap(), Ipv4Addr::new(47, 1, 1, 1));
    assert_eq!(
        net.bind_eip("eip-mine", "eci-3").unwrap_err().code(),
        "IncorrectEipStatus"
    );
    assert_eq!(
        net.bind_eip("eip-none", "eci-3").unwrap_err().code(),
        "InvalidEipInstanceId.NotFound"
    );
    net.release_eip("eip-mine");
    net.release_eip(&auto.allocation_id);
    assert!(net.eips.contains_key("eip-mine") && !net.eips.contains_key(&auto.allocation_id));
    assert!(net.check_eip("eip-mine", None).is_ok());
}

#[test]
fn no_two_eips_share_an_address() {
    let mut net = net();
    let ids = IdGenerator::new(Some(2));
    let declared = |id: &str, ip: Ipv4Addr| Eip::declared(id, ip, None, false);
    let next_auto = Ipv4Addr::new(47, 96, 0, 1);
    net.declare_eip(declared("eip-a", next_auto)).unwrap();
    let refused = net.declare_eip(declared("eip-b", next_auto)).unwrap_err();
    assert!(refused.contains("already EIP eip-a's"), "{refused}");
    net.declare_eip(declared("eip-a", next_auto))
        .expect("the same declaration again is a no-op");
    let auto = net.create_eip("eci-1", &ids).unwrap();
    assert_ne!(auto.ip_address, next_auto, "a made EIP took a declared address");
    let taken = net.declare_eip(declared("eip-c", auto.ip_address)).unwrap_err();
    assert!(taken.contains(&auto.allocation_id), "{taken}");
    net.release_eip(&auto.allocation_id);
    net.declare_eip(declared("eip-c", auto.ip_address))
        .expect("a released address is free again");
}

/// A vSwitch in cn-hangzhou-b, declared as a fixture would.
fn declared(id: &str, vpc_id: &str, cidr: &str) -> SavedVSwitch {
    SavedVSwitch {
        v_switch_id: id.into(),
        vpc_id: vpc_id.into(),
        zone_id: "cn-hangzhou-b".into(),
        cidr_block: cidr.parse().unwrap(),
        auto_registered: false,
        ipv6_cidr_block: None,
        api: Default::default(),
        zone_default: false,
    }
}

#[test]
fn a_vswitch_overlapping_another_of_its_vpc_is_refused_by_its_neighbours() {
    let mut net = net();
    let vpc = |id: &str| Vpc::declared(id, "10.0.0.0/8".parse().unwrap());
    net.declare_vpc(vpc("vpc-a")).unwrap();
    net.declare_vpc(vpc("vpc-b")).unwrap();
    let declare = |net: &mut RegionNetwork, id: &str, vpc: &str, cidr: &str| {
        net.declare_vswitch(id, vpc, "cn-hangzhou-b", cidr.parse().unwrap(), None, "")
    };
    for n in 0..200u32 {
        declare(
            &mut net,
            &format!("vsw-{n}"),
            "vpc-a",
            &format!("10.{}.{}.0/24", n / 100, (n % 100) * 2),
        )
        .unwrap();
    }
    let refused = [
        ("10.0.4.128/25", "vsw-2"),
        ("10.0.0.0/16", "vsw-99"),
        ("10.1.198.0/23", "vsw-199"),
        ("10.0.0.0/8", "vsw-199"),
    ];
    for (cidr, overlaps) in refused {
        let why = declare(&mut net, "vsw-new", "vpc-a", cidr).unwrap_err();
        assert!(why.contains(&format!("overlaps vSwitch {overlaps}")), "{cidr}: {why}");
    }
    for (n, cidr) in ["10.0.1.0/24", "10.0.199.0/24", "10.1.199.0/24", "10.2.0.0/16"]
        .iter()
        .enumerate()
    {
        declare(&mut net, &format!("vsw-gap-{n}"), "vpc-a", cidr).unwrap_or_else(|why| panic!("{cidr}: {why}"));
    }
    declare(&mut net, "vsw-other-vpc", "vpc-b", "10.0.4.0/24").expect("another VPC's blocks do not count");
}
