//! The checks and error choices of the VPC service (and those ECS shares with it). Each file is an
//! `impl RegionNetwork` block kept in the product's folder: it decides what a call may do and which
//! documented error refuses it, then changes the network model (`crate::network`) through the
//! model's own methods, which keep its indexes and mark what the store writes.
//!
//! Emulator choices, where the documentation is silent: what the default network and fixtures
//! declare has no owner, every account sees it and none may change or delete it through the API
//! (`Forbidden.RAM`); quotas are the services' documented defaults (10 VPCs and 20 EIPs per account and
//! region, 150 vSwitches per VPC, 100 security groups per account and region, 200 rules per group,
//! 20 tags per resource).

mod default_network;
mod eip;
mod resource_group;
pub mod tags;
#[cfg(test)]
mod tests;
mod vpc;
mod vswitch;

pub use eip::EipSpec;
pub use resource_group::Grouped;
pub use tags::check_tags;
pub use vpc::{VpcChange, VpcSpec};

use crate::error::catalogue::documented_error;
use crate::error::{ApiError, CompanionCode, ErrorCode};
use crate::network::{Attributes, NetworkChange};
use ipnet::Ipv4Net;

/// A shared resource: what the defaults and fixtures declare is not the caller's to change.
fn shared() -> ApiError {
    ApiError::new(ErrorCode::ForbiddenRam)
}

pub fn owned(api: &Attributes) -> Result<(), ApiError> {
    match api.owner {
        Some(_) => Ok(()),
        None => Err(shared()),
    }
}

/// Whether a name or description, if given, is as the services take one: `min` to `max` characters,
/// and not a URL.
pub fn text_fits(text: Option<&str>, min: usize, max: usize) -> bool {
    text.is_none_or(|text| {
        let len = text.chars().count();
        (min..=max).contains(&len) && !text.starts_with("http://") && !text.starts_with("https://")
    })
}

/// A name or description as the VPC product checks it, refused with the action's documented `code`.
fn check_text(text: Option<&str>, min: usize, max: usize, action: &str, code: CompanionCode) -> Result<(), ApiError> {
    if text_fits(text, min, max) {
        Ok(())
    } else {
        Err(documented_error(action, code, None))
    }
}

/// A VPC's name (1–128 characters) and description (1–256), when given.
fn check_vpc_texts(change: &NetworkChange<'_>) -> Result<(), ApiError> {
    let action = change.action;
    check_text(change.name, 1, 128, action, CompanionCode::InvalidVpcNameMalformed)?;
    check_text(
        change.description,
        1,
        256,
        action,
        CompanionCode::InvalidVpcDiscriptionMalformed,
    )
}

fn parse_cidr(text: &str, action: &str) -> Result<Ipv4Net, ApiError> {
    let net: Ipv4Net = text
        .trim()
        .parse()
        .map_err(|_| documented_error(action, CompanionCode::InvalidCidrBlockMalformed, None))?;
    if net.trunc() != net {
        return Err(documented_error(action, CompanionCode::InvalidCidrBlockMalformed, None));
    }
    Ok(net)
}

fn inside_any(block: Ipv4Net, ranges: &[Ipv4Net]) -> bool {
    ranges.iter().any(|r| r.contains(&block))
}
