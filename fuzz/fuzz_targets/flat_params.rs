//! Any bytes as a query string and form body: decoding, the parameter tree, the typed request and
//! the field rules must answer with a value or an API error, never panic.
#![no_main]

use eci_emulator::ops::eci::container_group::dto::CreateContainerGroupRequest;
use eci_emulator::ops::eci::container_group::rules::CREATE_FIELD_RULES;
use eci_emulator::protocol::{decode_pairs, flat};
use eci_emulator::validate::check_fields;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(pairs) = decode_pairs(data, "fuzz") else {
        return;
    };
    let Ok(tree) = flat::build_tree(pairs.iter().map(|(k, v)| (&**k, &**v))) else {
        return;
    };
    let parsed: Result<CreateContainerGroupRequest, _> = flat::from_tree(&tree);
    if let Err(err) = &parsed {
        let _ = eci_emulator::error::ApiError::from(err.clone());
    }
    let _ = check_fields(&tree, &CREATE_FIELD_RULES);
});
