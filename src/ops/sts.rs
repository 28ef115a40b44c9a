//! STS 2015-04-01: `GetCallerIdentity`, from the account the caller's key belongs to (the key itself
//! when signatures are not checked). Every key is the account's own (`IdentityType` `Account`): the
//! credential model has no RAM users or roles.

use super::{Operation, Validation};
use crate::actions::Product;
use crate::network::account_number;
use crate::protocol::JsonBody;
use serde_json::json;

/// Every operation of STS this build serves.
pub static OPERATIONS: &[Operation] = &[Operation {
    product: Product::Sts,
    action: "GetCallerIdentity",
    validation: Validation::TypedRequest,
    run: |ctx, _| {
        let id = account_number(&ctx.caller.account).to_string();
        JsonBody::of(&json!({
            "AccountId": id,
            "UserId": id,
            "PrincipalId": id,
            "Arn": format!("acs:ram::{id}:root"),
            "IdentityType": "Account",
            "RoleId": "",
        }))
    },
}];
