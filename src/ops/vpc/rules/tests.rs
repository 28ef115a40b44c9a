//! The VPC and ECS rules on a region's network: deletes that leave the rest found, dependencies that
//! refuse a delete, a group kept while a rule names it, and dry runs that change nothing.

use crate::network::{region, NetworkChange, PlacementRequest, RegionNetwork};
use crate::ops::ecs::rules::RuleSpec;
use crate::ops::vpc::rules::{VpcChange, VpcSpec};
use crate::util::IdGenerator;

fn net() -> RegionNetwork {
    let region = region("cn-hangzhou").unwrap();
    RegionNetwork::default_for(region, &IdGenerator::new(Some(1)))
}

/// A change made through the API by `account`, available at once.
fn by<'a>(account: &'a str, ids: &'a IdGenerator) -> NetworkChange<'a> {
    NetworkChange {
        action: "CreateVSwitch",
        account,
        now: time::OffsetDateTime::UNIX_EPOCH,
        pending_for: time::Duration::ZERO,
        ids,
        client_token: None,
        name: None,
        description: None,
        tags: &[],
        resource_group_id: None,
    }
}

#[test]
fn a_deleted_vswitch_leaves_every_other_one_found_and_its_block_free() {
    let mut net = net();
    let ids = IdGenerator::new(Some(3));
    let made = by("acct", &ids);
    let spec = VpcSpec {
        cidr_block: Some("10.0.0.0/16"),
        user_cidrs: Vec::new(),
        dry_run: false,
        enable_ipv6: false,
        dns_hostname: false,
    };
    let vpc = net.create_vpc(&made, &spec).unwrap();
    let blocks = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"];
    let made_ids: Vec<String> = blocks
        .iter()
        .map(|cidr| net.create_vswitch(&made, &vpc, "cn-hangzhou-b", cidr, None).unwrap())
        .collect();
    net.delete_vswitch("acct", &made_ids[0], made.now).unwrap();
    assert!(net.vswitch(&made_ids[0]).is_none());
    for (id, cidr) in made_ids.iter().zip(blocks).skip(1) {
        assert_eq!(net.vswitch(id).unwrap().cidr_block.to_string(), cidr, "{id}");
    }
    let again = net
        .create_vswitch(&made, &vpc, "cn-hangzhou-b", "10.0.1.0/24", None)
        .unwrap();
    let overlapping = net.create_vswitch(&made, &vpc, "cn-hangzhou-b", "10.0.3.128/25", None);
    assert_eq!(
        overlapping.unwrap_err().code(),
        "InvalidCidrBlock.Overlapped",
        "the moved block is still indexed"
    );
    assert!(net.vswitch(&again).is_some());
    let foreign = net.delete_vswitch("other", &again, made.now).unwrap_err();
    assert_eq!((foreign.code(), foreign.status()), ("InvalidVSwitchId.NotFound", 404));
}

#[test]
fn a_security_group_in_use_and_a_vpc_holding_anything_are_not_deleted() {
    let mut net = net();
    let ids = IdGenerator::new(Some(4));
    let made = by("acct", &ids);
    let spec = VpcSpec {
        cidr_block: Some("192.168.0.0/16"),
        user_cidrs: Vec::new(),
        dry_run: false,
        enable_ipv6: false,
        dns_hostname: false,
    };
    let vpc = net.create_vpc(&made, &spec).unwrap();
    let vsw = net
        .create_vswitch(&made, &vpc, "cn-hangzhou-b", "192.168.1.0/24", None)
        .unwrap();
    let sg = net.create_security_group(&made, Some(&vpc), None).unwrap();
    let request = PlacementRequest {
        vswitch_ids: vec![&vsw],
        security_group_id: Some(&sg),
        account: Some("acct"),
        ..Default::default()
    };
    let placement = net.place(&request, true).unwrap();
    assert_eq!(
        net.delete_security_group("acct", &sg).unwrap_err().code(),
        "DependencyViolation"
    );
    assert_eq!(
        net.delete_vswitch("acct", &vsw, made.now).unwrap_err().code(),
        "DependencyViolation"
    );
    net.give_back(&placement);
    net.delete_vswitch("acct", &vsw, made.now).unwrap();
    let err = net.delete_vpc("acct", &vpc, made.now, false).unwrap_err();
    assert_eq!(err.code(), "DependencyViolation.SecurityGroup");
    net.delete_security_group("acct", &sg).unwrap();
    net.delete_vpc("acct", &vpc, made.now, false).unwrap();
    let shared = net.default_vpc_id.clone();
    assert_eq!(
        net.delete_vpc("acct", &shared, made.now, false).unwrap_err().code(),
        "Forbidden.RAM"
    );
}

#[test]
fn a_group_a_rule_names_is_kept_until_the_rule_goes_and_dry_runs_change_nothing() {
    let mut net = net();
    let ids = IdGenerator::new(Some(5));
    let made = by("acct", &ids);
    let named = net.create_security_group(&made, None, None).unwrap();
    let naming = net.create_security_group(&made, None, None).unwrap();
    let rule = RuleSpec {
        ip_protocol: Some("tcp".into()),
        port_range: Some("22/22".into()),
        group_id: Some(named.clone()),
        ..Default::default()
    };
    net.authorize(&made, &naming, "ingress", std::slice::from_ref(&rule))
        .unwrap();
    let refused = net.delete_security_group("acct", &named).unwrap_err();
    assert_eq!(refused.code(), "DependencyViolation");
    net.revoke(&made, &naming, "ingress", &[], &[rule]).unwrap();
    net.delete_security_group("acct", &named).unwrap();
    // The owner index counts what each account has, for quotas and listings.
    let other = by("other", &ids);
    net.create_security_group(&other, None, None).unwrap();
    let mine: Vec<&str> = net
        .security_groups
        .visible_to("acct")
        .map(|g| g.security_group_id.as_str())
        .collect();
    assert!(mine.contains(&naming.as_str()) && mine.contains(&net.default_security_group_id()));
    assert_eq!(mine.len(), 2, "{mine:?}");
    let spec = VpcSpec {
        cidr_block: Some("192.168.0.0/16"),
        user_cidrs: Vec::new(),
        dry_run: true,
        enable_ipv6: false,
        dns_hostname: false,
    };
    let before = net.vpcs.len();
    let dry = net.create_vpc(&made, &spec).unwrap_err();
    assert_eq!((dry.code(), net.vpcs.len()), ("DryRunOperation", before));
    let vpc = net.create_vpc(&made, &VpcSpec { dry_run: false, ..spec }).unwrap();
    let dry = net.delete_vpc("acct", &vpc, made.now, true).unwrap_err();
    assert_eq!(dry.code(), "DryRunOperation");
    assert!(net.vpcs.contains_key(&vpc), "a dry run deleted the VPC");
}

#[test]
fn ipv6_secondary_blocks_and_a_new_block_keep_every_vswitch_inside_the_vpc() {
    let mut net = net();
    let ids = IdGenerator::new(Some(6));
    let made = by("acct", &ids);
    let spec = VpcSpec {
        cidr_block: Some("172.16.0.0/16"),
        user_cidrs: Vec::new(),
        dry_run: false,
        enable_ipv6: true,
        dns_hostname: true,
    };
    let vpc = net.create_vpc(&made, &spec).unwrap();
    let block = net.vpcs.get(&vpc).unwrap().ipv6_cidr_block.unwrap();
    assert_eq!(block.prefix_len(), 56);
    let with_v6 = net
        .create_vswitch(&made, &vpc, "cn-hangzhou-b", "172.16.1.0/24", Some(3))
        .unwrap();
    let subnet = net.vswitch(&with_v6).unwrap().ipv6_cidr_block.unwrap();
    assert_eq!((subnet.prefix_len(), subnet.network().octets()[7]), (64, 3));
    assert!(block.contains(&subnet));
    let twice = net.create_vswitch(&made, &vpc, "cn-hangzhou-b", "172.16.2.0/24", Some(3));
    assert_eq!(twice.unwrap_err().code(), "InvalidCidrBlock.Overlapped");

    let outside = net.create_vswitch(&made, &vpc, "cn-hangzhou-b", "10.1.0.0/24", None);
    assert_eq!(outside.unwrap_err().code(), "InvalidParameter");
    net.associate_vpc_cidr("acct", &vpc, "10.0.0.0/8").unwrap();
    let overlapping = net.associate_vpc_cidr("acct", &vpc, "10.1.0.0/16").unwrap_err();
    assert_eq!(overlapping.code(), "InvalidCidrBlock.Overlapped");
    let secondary = net
        .create_vswitch(&made, &vpc, "cn-hangzhou-b", "10.1.0.0/24", None)
        .unwrap();
    let in_use = net.unassociate_vpc_cidr("acct", &vpc, "10.0.0.0/8").unwrap_err();
    assert_eq!(in_use.code(), "DependencyViolation.VSwitch");

    let shrink = VpcChange {
        cidr_block: Some("172.16.2.0/24"),
        ..VpcChange::default()
    };
    let err = net.modify_vpc(&made, &vpc, &shrink).unwrap_err();
    assert_eq!(err.code(), "InvalidParameter", "172.16.1.0/24 would fall outside");
    let grow = VpcChange {
        cidr_block: Some("172.16.0.0/12"),
        enable_ipv6: Some(false),
        ..VpcChange::default()
    };
    assert_eq!(
        net.modify_vpc(&made, &vpc, &grow).unwrap_err().code(),
        "InvalidParameter",
        "a vSwitch still has an IPv6 block"
    );
    net.delete_vswitch("acct", &with_v6, made.now).unwrap();
    net.delete_vswitch("acct", &secondary, made.now).unwrap();
    net.unassociate_vpc_cidr("acct", &vpc, "10.0.0.0/8").unwrap();
    net.modify_vpc(&made, &vpc, &grow).unwrap();
    let changed = net.vpcs.get(&vpc).unwrap();
    assert_eq!(changed.cidr_block.to_string(), "172.16.0.0/12");
    assert!(changed.ipv6_cidr_block.is_none() && changed.secondary_cidrs.is_empty() && changed.dns_hostname);
}

#[test]
fn an_accounts_own_default_vpc_replaces_the_regions_for_it_alone_until_deleted() {
    let mut net = net();
    let ids = IdGenerator::new(Some(5));
    let region_vpc = net.default_vpc_id.clone();
    assert_eq!(net.default_vpc_of("acct"), region_vpc);
    assert!(net.own_default_vpc("acct").is_none());
    let own = net.create_default_vpc(&by("acct", &ids), true).unwrap();
    let vpc = net.vpcs.get(&own).unwrap();
    assert_eq!(vpc.cidr_block.to_string(), "172.16.0.0/12");
    assert!(vpc.ipv6_cidr_block.is_some() && vpc.account_default);
    assert!(net.is_default_vpc(vpc, "acct"));
    assert!(!net.is_default_vpc(net.vpcs.get(&region_vpc).unwrap(), "acct"));
    assert!(net.is_default_vpc(net.vpcs.get(&region_vpc).unwrap(), "other"));
    let again = net.create_default_vpc(&by("acct", &ids), false).unwrap_err();
    assert_eq!((again.code(), again.status()), ("OperationFailed.DefaultVpcExist", 400));
    net.delete_vpc("acct", &own, time::OffsetDateTime::UNIX_EPOCH, false)
        .unwrap();
    assert_eq!(net.default_vpc_of("acct"), region_vpc, "the region's stands in again");
    assert!(net.create_default_vpc(&by("acct", &ids), false).is_ok());
}

#[test]
fn a_default_vswitch_takes_the_next_free_block_of_a_default_vpc_made_for_it() {
    let mut net = net();
    let ids = IdGenerator::new(Some(6));
    let refused = net.create_default_vswitch(&by("acct", &ids), "cn-nowhere-z", None);
    assert_eq!(refused.unwrap_err().code(), "InvalidZoneId.NotFound");
    assert!(net.own_default_vpc("acct").is_none(), "a refused call makes no VPC");
    let first = net
        .create_default_vswitch(&by("acct", &ids), "cn-hangzhou-b", Some(8))
        .unwrap();
    let vpc = net.own_default_vpc("acct").unwrap().clone();
    let vswitch = net.vswitch(&first).unwrap();
    assert_eq!(
        (vswitch.vpc_id.as_str(), vswitch.cidr_block.to_string().as_str()),
        (vpc.vpc_id.as_str(), "172.16.0.0/20")
    );
    assert_eq!(vswitch.ipv6_cidr_block, vpc.ipv6_subnet(8));
    assert!(net.is_default_vswitch(vswitch, "acct"));
    let standing = net
        .vswitches_under(&crate::network::in_vpc_key(&net.default_vpc_id))
        .next()
        .unwrap();
    assert!(!net.is_default_vswitch(standing, "acct") && net.is_default_vswitch(standing, "other"));
    let twice = net.create_default_vswitch(&by("acct", &ids), "cn-hangzhou-b", None);
    assert_eq!(twice.unwrap_err().code(), "OperationFailed.DefaultVSwitchExist");
    let taken = net.create_default_vswitch(&by("acct", &ids), "cn-hangzhou-g", Some(8));
    assert_eq!(taken.unwrap_err().code(), "InvalidCidrBlock.Overlapped");
    let second = net
        .create_default_vswitch(&by("acct", &ids), "cn-hangzhou-g", None)
        .unwrap();
    assert_eq!(net.vswitch(&second).unwrap().cidr_block.to_string(), "172.16.16.0/20");
    let made_again = net.create_default_vpc(&by("acct", &ids), false);
    assert_eq!(made_again.unwrap_err().code(), "OperationFailed.DefaultVpcExist");
}

/// The network read back from the entries the store keeps of it.
fn stored_and_read_back(net: &RegionNetwork) -> Result<RegionNetwork, String> {
    let mut parts = crate::network::NetworkParts::default();
    let (entries, _) = net.entries_after(crate::network::Cursor::default(), usize::MAX);
    for (kind, name, value) in entries {
        parts.absorb(kind, &name, &value)?;
    }
    RegionNetwork::restore(parts.into_saved("cn-hangzhou")?)
}

#[test]
fn an_own_default_network_is_read_back_and_a_second_default_vpc_is_damage() {
    let mut net = net();
    let ids = IdGenerator::new(Some(7));
    let vsw = net
        .create_default_vswitch(&by("acct", &ids), "cn-hangzhou-b", None)
        .unwrap();
    let back = stored_and_read_back(&net).unwrap();
    let own = back
        .own_default_vpc("acct")
        .expect("the account's default VPC is found again");
    assert_eq!(back.vswitch(&vsw).unwrap().vpc_id, own.vpc_id);
    assert!(back.is_default_vswitch(back.vswitch(&vsw).unwrap(), "acct"));

    let mut second = own.clone();
    second.vpc_id = "vpc-second".into();
    net.vpcs.insert(second.vpc_id.clone(), second);
    let damaged = stored_and_read_back(&net).map(|_| ()).unwrap_err();
    assert!(damaged.contains("vpc-second"), "{damaged}");
}
